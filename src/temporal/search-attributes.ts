import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes every Orchestra workflow carries, so admins can find runs in the Temporal UI. */
export const AccountSearchAttribute = defineSearchAttributeKey('OrchestraAccount', SearchAttributeType.KEYWORD);
export const ServerSearchAttribute = defineSearchAttributeKey('OrchestraServer', SearchAttributeType.KEYWORD);
export const BackendSearchAttribute = defineSearchAttributeKey('OrchestraBackend', SearchAttributeType.KEYWORD);
export const ObjectSearchAttribute = defineSearchAttributeKey('OrchestraObject', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [AccountSearchAttribute, ServerSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute];

/** `--search-attribute` flags for the dev server; a restart on an old database also registers them via the API. */
export const SEARCH_ATTRIBUTE_FLAGS = SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);

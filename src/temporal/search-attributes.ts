import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every Orchestra workflow carries, so admins can find runs in the Temporal UI, e.g.
 * `OrchestraAccounts = 'alice' AND OrchestraServer = 'web1'`. One script may serve several accounts and objects,
 * hence keyword lists for those.
 */
export const AccountSearchAttribute = defineSearchAttributeKey('OrchestraAccounts', SearchAttributeType.KEYWORD_LIST);
export const ServerSearchAttribute = defineSearchAttributeKey('OrchestraServer', SearchAttributeType.KEYWORD);
export const BackendSearchAttribute = defineSearchAttributeKey('OrchestraBackend', SearchAttributeType.KEYWORD);
export const ObjectSearchAttribute = defineSearchAttributeKey('OrchestraObjects', SearchAttributeType.KEYWORD_LIST);

export const SEARCH_ATTRIBUTES = [AccountSearchAttribute, ServerSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute];

/** The CLI's names for the types (`--search-attribute Name=Type`). */
const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' };

/** `--search-attribute` flags for the dev server; a restart on an old database also registers them via the API. */
export const SEARCH_ATTRIBUTE_FLAGS = SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);

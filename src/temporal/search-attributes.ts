import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every Orchestra workflow carries, so admins can find runs in the Temporal UI, e.g.
 * `OrchestraAccounts = 'alice' AND OrchestraServer = 'web1'`. Keyword lists: one run workflow carries several scripts
 * under a backlog (several backends and accounts), a batch several servers, and `=` on a list matches any element.
 */
export const AccountSearchAttribute = defineSearchAttributeKey('OrchestraAccounts', SearchAttributeType.KEYWORD_LIST);
export const ServerSearchAttribute = defineSearchAttributeKey('OrchestraServer', SearchAttributeType.KEYWORD_LIST);
export const BackendSearchAttribute = defineSearchAttributeKey('OrchestraBackend', SearchAttributeType.KEYWORD_LIST);
/**
 * Text, not a keyword list: SQL visibility stores (SQLite in the dev server, PostgreSQL in production) have room for
 * three keyword lists only, and servers, backends and accounts need them more. The value is the objects separated by
 * spaces (`SystemUser:42 Crontab:7`); `OrchestraObjects = 'SystemUser:42'` matches it as a phrase.
 */
export const ObjectSearchAttribute = defineSearchAttributeKey('OrchestraObjects', SearchAttributeType.TEXT);

/** The OrchestraObjects value of a set of operations. */
export function objectsSearchValue(objects: Iterable<{ model: string; objectId: string }>): string {
  return [...new Set([...objects].map((o) => `${o.model}:${o.objectId}`))].join(' ');
}

export const SEARCH_ATTRIBUTES = [AccountSearchAttribute, ServerSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute];

/** The CLI's names for the types (`--search-attribute Name=Type`). */
const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text' };

/** `--search-attribute` flags for the dev server; a restart on an old database also registers them via the API. */
export const SEARCH_ATTRIBUTE_FLAGS = SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);

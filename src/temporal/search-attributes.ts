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

/**
 * Temporal refuses a search attribute value over 2 KiB (its `limit.searchAttributeValueSize`) and then fails the
 * workflow task that set it: a run carrying a server sync's thousand objects (or accounts) would never start, and its
 * server queue would be terminated with it. Values are cut to fit, and say how many were left out.
 */
export const SEARCH_VALUE_MAX_BYTES = 1900;

const more = (n: number) => `…+${n} more`;

/** The OrchestraObjects value of a set of operations: every object, or as many as fit and how many more. */
export function objectsSearchValue(objects: Iterable<{ model: string; objectId: string }>): string {
  const all = [...new Set([...objects].map((o) => `${o.model}:${o.objectId}`))];
  let text = '';
  for (const [i, object] of all.entries()) {
    const next = text ? `${text} ${object}` : object;
    const rest = all.length - i - 1;
    if (Buffer.byteLength(rest ? `${next} ${more(rest)}` : next) > SEARCH_VALUE_MAX_BYTES) return `${text} ${more(all.length - i)}`.trim();
    text = next;
  }
  return text;
}

/** A keyword list that fits (its JSON form): the first values, and one saying how many more when some do not. */
export function fittingKeywords(values: readonly string[]): string[] {
  const kept: string[] = [];
  for (const [i, value] of values.entries()) {
    const rest = values.length - i - 1;
    if (Buffer.byteLength(JSON.stringify(rest ? [...kept, value, more(rest)] : [...kept, value])) > SEARCH_VALUE_MAX_BYTES) {
      return [...kept, more(values.length - i)];
    }
    kept.push(value);
  }
  return kept;
}

export const SEARCH_ATTRIBUTES = [AccountSearchAttribute, ServerSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute];

/** The CLI's names for the types (`--search-attribute Name=Type`). */
const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text' };

/** `--search-attribute` flags for the dev server; a restart on an old database also registers them via the API. */
export const SEARCH_ATTRIBUTE_FLAGS = SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);

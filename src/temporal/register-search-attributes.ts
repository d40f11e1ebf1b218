import type { ConnectionLike } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './search-attributes.js';

// gRPC status code; @grpc/grpc-js is not a direct dependency.
const ALREADY_EXISTS = 6;

// temporal.api.enums.v1.IndexedValueType, by SearchAttributeType (@temporalio/proto is not a direct dependency).
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

/**
 * Registers Orchestra's custom search attributes in the namespace, through the operator service, and returns the
 * names it added. Runs at every start: the dev server only applies `--search-attribute` when it creates its
 * database, so a restart on an old `.data/temporal` would otherwise miss attributes added since. Attributes that
 * exist with the right type are skipped; one registered with another type by an older Orchestra (OrchestraServer and
 * OrchestraBackend were single keywords) is removed and added again with the new type (workflows that carried the
 * old value lose it, which is only a search index). ALREADY_EXISTS (another process registering at the same moment)
 * is not an error.
 */
export async function registerSearchAttributes(
  connection: ConnectionLike,
  namespace: string,
  keys: readonly { name: string; type: SearchAttributeType }[] = SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  const known = new Set([...Object.keys(custom), ...Object.keys(existing.systemAttributes ?? {})]);
  const retyped = keys.filter((key) => key.name in custom && Number(custom[key.name]) !== INDEXED_VALUE_TYPE[key.type]);
  if (retyped.length) {
    await connection.operatorService.removeSearchAttributes({ namespace, searchAttributes: retyped.map((key) => key.name) });
    for (const key of retyped) known.delete(key.name);
  }
  const missing = keys.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]])),
    });
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  return missing.map((key) => key.name);
}

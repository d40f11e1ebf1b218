import type { EntityManager } from '@mikro-orm/postgresql';
import { Cursor, QueryOrderNumeric, ReferenceKind, Utils, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import { scopeOf, tenantCondition } from '../../auth/tenant-scope.js';

/**
 * Plain SQL for the reads of list pages (./read-rows.ts): the select, keyset condition and count that MikroORM's
 * `find`/`count` would build, written directly, for the where clauses list resolvers use. Why: building a query
 * through MikroORM (processWhere, criteria nodes, the query builder) cost more CPU per page than executing it
 * (bench/README.md, issue 9).
 *
 * Each function returns `undefined` for anything it does not write exactly as MikroORM would (an operator, value,
 * property, option or cursor outside what is listed below, an EntityManager it did not see scoped); the caller then
 * reads through MikroORM as before. So a new kind of where is never wrong here, only slower.
 *
 * The tenant scope is the request's: the EntityManager must be one applyTenantScope scoped (scopeOf), and its
 * condition comes from the same function its filters are built from (tenantCondition). Values reach the SQL as `?`
 * parameters, sent apart from the text (src/db/prepared-read.ts: a named prepared statement); an `$in` list is one
 * array parameter, so a statement's text depends on the where's shape, never on its values or their number.
 *
 * Supported where: `{ prop: value }` (a scalar or a relation's key; null: `is null`), `{ prop: { $eq, $ne: null, $gt,
 * $gte, $lt, $lte, $in, $like, $ilike } }`, `$and` / `$or` of those. Order: properties that are never null (id last).
 */

export interface RowSelect {
  sql: string;
  params: unknown[];
}

export interface RowReadOptions {
  orderBy?: Record<string, unknown>;
  first?: number;
  after?: string;
  overfetch?: boolean;
}

/** The select of `findRows(em, meta, where, options)`, or undefined (then MikroORM builds it). */
export function selectRowsSql(em: EntityManager, meta: EntityMetadata, where: unknown, options: RowReadOptions): RowSelect | undefined {
  if (Object.keys(options).some((key) => !READ_OPTIONS.has(key))) return undefined;
  const columns = selectedColumns(em, meta);
  if (!columns) return undefined;
  const params: unknown[] = [];
  const terms = scopedTerms(em, meta, where, params);
  if (!terms) return undefined;
  const order = orderOf(meta, options.orderBy ?? {});
  if (!order) return undefined;
  if (options.after !== undefined) {
    const keyset = keysetTerm(em, meta, order, options.after, params);
    if (!keyset) return undefined;
    terms.push(keyset);
  }
  let sql = `select ${columns} from ${quote(meta.tableName)}`;
  if (terms.length) sql += ` where ${terms.join(' and ')}`;
  if (order.length) sql += ` order by ${order.map(([prop, desc]) => `${quote(column(prop))} ${desc ? 'desc' : 'asc'}`).join(', ')}`;
  if (options.first !== undefined) {
    if (!Number.isInteger(options.first) || options.first < 0) return undefined;
    params.push(options.first + (options.overfetch ? 1 : 0));
    sql += ' limit ?';
  }
  return { sql, params };
}

/** The count of `em.count(meta, where)` (no cursor: a total counts the whole filtered list), or undefined. */
export function countRowsSql(em: EntityManager, meta: EntityMetadata, where: unknown): RowSelect | undefined {
  if (!selectedColumns(em, meta)) return undefined;
  const params: unknown[] = [];
  const terms = scopedTerms(em, meta, where, params);
  if (!terms) return undefined;
  return { sql: `select count(*) as "count" from ${quote(meta.tableName)}${terms.length ? ` where ${terms.join(' and ')}` : ''}`, params };
}

const READ_OPTIONS = new Set(['orderBy', 'first', 'after', 'overfetch', 'where']);
const COMPARISONS: Record<string, string> = { $eq: '=', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=', $like: 'like', $ilike: 'ilike' };

/** The where's terms and the tenant condition, or undefined. */
function scopedTerms(em: EntityManager, meta: EntityMetadata, where: unknown, params: unknown[]): string[] | undefined {
  const viewer = scopeOf(em);
  // Filters other than the tenant scope's (configured globally) are not written here.
  if (!viewer || Object.keys(em.config.get('filters') ?? {}).length) return undefined;
  const terms: string[] = [];
  const scope = tenantCondition(viewer, meta);
  if (scope) {
    const prop = (meta.properties as Record<string, EntityProperty | undefined>)[scope.property];
    if (!prop || prop.fieldNames?.length !== 1) return undefined;
    if (scope.value === null) terms.push(`${quote(column(prop))} is null`);
    else {
      params.push(scope.value);
      terms.push(`${quote(column(prop))} = ?`);
    }
  }
  const own = whereSql(em, meta, where, params);
  if (own === undefined) return undefined;
  if (own) terms.push(own);
  return terms;
}

/** A where object as SQL ('' for no condition), or undefined if it holds anything not listed above. */
function whereSql(em: EntityManager, meta: EntityMetadata, where: unknown, params: unknown[]): string | undefined {
  if (!Utils.isPlainObject(where)) return undefined;
  const terms: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) return undefined;
      const parts: string[] = [];
      for (const item of value) {
        const part = whereSql(em, meta, item, params);
        if (!part) return undefined;
        parts.push(`(${part})`);
      }
      terms.push(parts.length === 1 ? parts[0] : `(${parts.join(key === '$and' ? ' and ' : ' or ')})`);
      continue;
    }
    const prop = meta.properties[key];
    if (!prop || !comparable(prop)) return undefined;
    const term = propertySql(em, prop, value, params);
    if (term === undefined) return undefined;
    terms.push(term);
  }
  return terms.join(' and ');
}

/** A scalar column, or the key column of a many-to-one / owning one-to-one relation. */
function comparable(prop: EntityProperty): boolean {
  const relation = prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
  if (prop.kind !== ReferenceKind.SCALAR && !relation) return false;
  if (prop.fieldNames?.length !== 1 || prop.formula || prop.persist === false || prop.array) return false;
  return !relation || prop.targetMeta?.getPrimaryProps().length === 1;
}

function propertySql(em: EntityManager, prop: EntityProperty, value: unknown, params: unknown[]): string | undefined {
  const col = quote(column(prop));
  if (value === null) return `${col} is null`;
  if (!Utils.isPlainObject(value)) return comparison(em, prop, col, '=', value, params);
  const terms: string[] = [];
  for (const [operator, operand] of Object.entries(value)) {
    let term: string | undefined;
    if (operator === '$ne' && operand === null) term = `${col} is not null`;
    else if (operator === '$eq' && operand === null) term = `${col} is null`;
    else if (operator === '$in' && Array.isArray(operand) && operand.length > 0) {
      const values = operand.map((item) => databaseValue(em, prop, item));
      if (values.some((item) => item === undefined)) return undefined;
      // One array parameter, whatever its length: the statement's text (and its prepared plan) does not depend on
      // the page size. `= any(array)` matches what `in (list)` matches (a null in either matches nothing).
      params.push(values);
      term = `${col} = any(?)`;
    } else if (COMPARISONS[operator]) term = comparison(em, prop, col, COMPARISONS[operator], operand, params);
    if (term === undefined) return undefined;
    terms.push(term);
  }
  return terms.length ? terms.join(' and ') : undefined;
}

function comparison(em: EntityManager, prop: EntityProperty, col: string, operator: string, value: unknown, params: unknown[]): string | undefined {
  const converted = databaseValue(em, prop, value);
  if (converted === undefined) return undefined;
  params.push(converted);
  return `${col} ${operator} ?`;
}

/**
 * A value as MikroORM would send it, if that is the value itself: strings, finite numbers, booleans and dates that
 * the property's type (or the related key's type) leaves as they are. Anything it would convert, or an entity,
 * reference or array given as a value, is undefined.
 */
function databaseValue(em: EntityManager, prop: EntityProperty, value: unknown): unknown {
  const plain = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (value instanceof Date && !Number.isNaN(value.getTime()));
  if (!plain) return undefined;
  const typed = prop.kind === ReferenceKind.SCALAR ? prop : prop.targetMeta!.getPrimaryProps()[0];
  if (typed.customType) {
    const converted = typed.customType.convertToDatabaseValue(value, em.getPlatform(), { fromQuery: true, key: typed.name, mode: 'query' });
    if (converted !== value) return undefined;
  }
  return value;
}

/**
 * The columns find() selects (the non-lazy ones), by name; undefined for what this does not cover. By name even when
 * that is every column: a prepared statement of `select *` fails ("cached plan must not change result type") once a
 * migration adds a column while the API runs. Once per entity: metadata does not change while the process runs.
 */
function selectedColumns(em: EntityManager, meta: EntityMetadata): string | undefined {
  if (!columnLists.has(meta)) columnLists.set(meta, columnListOf(em, meta));
  return columnLists.get(meta);
}

const columnLists = new WeakMap<EntityMetadata, string | undefined>();

function columnListOf(em: EntityManager, meta: EntityMetadata): string | undefined {
  if (meta.virtual || meta.embeddable || meta.abstract || meta.discriminatorColumn || meta.inheritanceType || (meta.schema && meta.schema !== '*')) return undefined;
  const props = Object.values(meta.properties).filter((prop) => prop.persist !== false && prop.kind !== ReferenceKind.ONE_TO_MANY && prop.kind !== ReferenceKind.MANY_TO_MANY);
  for (const prop of props) {
    if (prop.formula || prop.kind === ReferenceKind.EMBEDDED || (prop.kind === ReferenceKind.ONE_TO_ONE && !prop.owner)) return undefined;
    // A type that reads its column through SQL of its own (MikroORM then lists the columns with it).
    if (prop.customType?.convertToJSValueSQL && prop.customType.convertToJSValueSQL('x', em.getPlatform()) !== 'x') return undefined;
  }
  return props.filter((prop) => !prop.lazy).flatMap((prop) => prop.fieldNames.map(quote)).join(', ');
}

/** The sort keys (property, descending), or undefined: only non-null properties, directions without nulls placement. */
function orderOf(meta: EntityMetadata, orderBy: Record<string, unknown>): [EntityProperty, boolean][] | undefined {
  const order: [EntityProperty, boolean][] = [];
  for (const [key, direction] of Object.entries(orderBy)) {
    const prop = meta.properties[key];
    if (!prop || prop.kind !== ReferenceKind.SCALAR || !comparable(prop) || prop.nullable) return undefined;
    if (direction === QueryOrderNumeric.DESC || direction === QueryOrderNumeric.ASC) {
      order.push([prop, direction === QueryOrderNumeric.DESC]);
      continue;
    }
    const text = String(direction).toLowerCase();
    if (text !== 'asc' && text !== 'desc') return undefined;
    order.push([prop, text === 'desc']);
  }
  return order;
}

/**
 * After a cursor (MikroORM's encoding, ../relay/connection.ts hands out Cursor.from): rows past the cursor's keys in
 * the page's order, as MikroORM's keyset condition (`k1 >= a and (k1 > a or id > b)`). Undefined for a cursor that is
 * not exactly one value per sort key, so MikroORM's path answers it (its error, or its reading).
 */
function keysetTerm(em: EntityManager, meta: EntityMetadata, order: [EntityProperty, boolean][], after: string, params: unknown[]): string | undefined {
  if (order.length === 0 || order.length > 2) return undefined;
  let offsets: unknown;
  try {
    offsets = Cursor.decode(after);
  } catch {
    return undefined;
  }
  if (!Array.isArray(offsets) || offsets.length !== order.length) return undefined;
  const values: unknown[] = [];
  for (const [index, [prop]] of order.entries()) {
    let offset = offsets[index];
    if (prop.customType?.fromJSON) return undefined;
    if (typeof offset === 'string' && prop.runtimeType === 'Date') offset = new Date(offset);
    else if (prop.customType && offset != null && prop.customType.convertToJSValue(offset, em.getPlatform()) !== offset) return undefined;
    const value = databaseValue(em, prop, offset);
    if (value === undefined) return undefined;
    values.push(value);
  }
  const past = ([prop, desc]: [EntityProperty, boolean], eq: boolean) => `${quote(column(prop))} ${desc ? '<' : '>'}${eq ? '=' : ''} ?`;
  if (order.length === 1) {
    params.push(values[0]);
    return past(order[0], false);
  }
  params.push(values[0], values[0], values[1]);
  return `${past(order[0], true)} and (${past(order[0], false)} or ${past(order[1], false)})`;
}

function column(prop: EntityProperty): string {
  return prop.fieldNames[0];
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

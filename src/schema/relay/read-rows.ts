import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { countRowsSql, selectRowsSql, type RowReadOptions } from './row-sql.js';
import { readPrepared } from '../../db/prepared-read.js';
import { ReferenceKind, Type, type EntityMetadata, type EntityName, type FindOptions, type Ref } from '@mikro-orm/core';

/**
 * Read-only rows for GraphQL list pages: the columns of an entity as plain objects, without MikroORM's hydration.
 *
 * Why: hydrating a managed entity defines an accessor per property on each instance and registers it in the identity
 * map; for a 50-item page with its contacts that was ~40 % of the API's CPU (bench/README.md, issue 9), while a
 * page only reads the values. The rows keep the entity's property names and JS values (the driver maps columns to
 * properties and pg parses dates, booleans, JSON and arrays), so the GraphQL types and resolvers read them as they
 * read entities.
 *
 * Scope stays where it was: the where goes through `em.processWhere`, which applies the request's tenant filters
 * (src/auth/tenant-scope.ts) exactly as `em.find` does. Relations (many-to-one, owning one-to-one) are read-only
 * references (RowReference): `row.account.id` is the key, and `row.account.loadOrFail()` loads the entity through
 * the same scoped EntityManager.
 *
 * Rows are never persisted: they are not entities, and a use case that changes something loads its entities itself.
 * Nor are they references in a where: `{ service: row }` reads the row's fields as a nested condition; write
 * `{ service: row.id }`.
 */
export type Row<T> = T;

/**
 * A relation of a row: its key, and the entity loaded on demand through the scoped EntityManager (batched by
 * MikroORM's dataloader, like a Reference's). Nothing is created until a resolver loads it: a page that only groups
 * by `account.id` creates no entity.
 */
export class RowReference {
  // Private, so that the only enumerable field is `id`: a where given `{ account: row.account }` reads the key.
  readonly #em: EntityManager;
  readonly #target: EntityName<object>;

  constructor(em: EntityManager, target: EntityName<object>, readonly id: string) {
    this.#em = em;
    this.#target = target;
  }

  load(): Promise<object | null> {
    return this.#reference().load();
  }

  loadOrFail(): Promise<object> {
    return this.#reference().loadOrFail();
  }

  #reference(): Ref<object> {
    return this.#em.getReference(this.#target, this.id as never, { wrapped: true }) as Ref<object>;
  }
}

/** A row class per entity: relation getters on the prototype, so a row costs one object, not an accessor per field. */
const rowClasses = new WeakMap<EntityMetadata, new (em: EntityManager, data: Record<string, unknown>) => object>();

function rowClassOf(meta: EntityMetadata): new (em: EntityManager, data: Record<string, unknown>) => object {
  let RowClass = rowClasses.get(meta);
  if (RowClass) return RowClass;
  const relations = Object.values(meta.properties).filter(
    (prop) => prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner),
  );
  const relationNames = new Set(relations.map((prop) => prop.name as string));
  const scalars = Object.values(meta.properties).filter((prop) => prop.kind === ReferenceKind.SCALAR && prop.persist !== false);
  const scalarNames = scalars.map((prop) => prop.name as string);
  // Values pg cannot parse alone (an array of a native enum arrives as '{a,b}') go through the property's type, as
  // hydration does; the others are already what an entity holds.
  const converted = scalars
    .filter((prop) => prop.customType && prop.customType.convertToJSValue !== Type.prototype.convertToJSValue)
    .map((prop) => [prop.name as string, prop.customType!] as const);
  RowClass = class {
    readonly #em: EntityManager;
    readonly #keys: Record<string, unknown> = {};
    constructor(em: EntityManager, data: Record<string, unknown>) {
      this.#em = em;
      const row = this as Record<string, unknown>;
      for (const name of scalarNames) row[name] = data[name];
      // Null stays null, as in hydration (DoubleType would turn it into 0).
      for (const [name, type] of converted) if (data[name] != null) row[name] = type.convertToJSValue(data[name], em.getPlatform());
      for (const name of relationNames) this.#keys[name] = data[name];
    }
    reference(name: string, target: EntityName<object>): RowReference | null {
      const key = this.#keys[name];
      return key == null ? null : new RowReference(this.#em, target, key as string);
    }
  };
  for (const prop of relations) {
    Object.defineProperty(RowClass.prototype, prop.name, {
      get(this: { reference(name: string, target: EntityName<object>): RowReference | null }) {
        return this.reference(prop.name as string, prop.targetMeta!.class);
      },
      enumerable: true,
    });
  }
  Object.defineProperty(RowClass, 'name', { value: `${meta.className}Row` });
  rowClasses.set(meta, RowClass);
  return RowClass;
}

interface ScopedWhere {
  processWhere(entity: EntityName<never>, where: unknown, options: object, type: 'read'): Promise<unknown>;
}

/** `em.find` for reading only: the same where (with the request's filters), order, limit and cursor options. */
export async function findRows<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  options: FindOptions<T> = {},
): Promise<Row<T>[]> {
  const meta = em.getMetadata().get(entity);
  const RowClass = rowClassOf(meta);
  // Plain SQL where it is written exactly as MikroORM would (./row-sql.ts), as a prepared statement where the pool
  // alone runs it (src/db/prepared-read.ts); otherwise MikroORM builds and runs the query.
  const plain = selectRowsSql(em, meta, where, options as RowReadOptions);
  const data = plain && (await readPrepared<Record<string, unknown>>(em, plain.sql, plain.params));
  if (!data) return findRowsThroughOrm(em, entity, where, options);
  // The driver's own mapping of columns to properties, as its find applies it to each row.
  const driver = em.getDriver();
  return data.map((fields) => new RowClass(em, driver.mapResult(fields as never, meta) as Record<string, unknown>) as T);
}

/** `em.count` for a list's total: the same where (with the request's filters), in plain SQL where ./row-sql.ts can. */
export async function countRows<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>): Promise<number> {
  const plain = countRowsSql(em, em.getMetadata().get(entity), where);
  const rows = plain && (await readPrepared<{ count: string | number }>(em, plain.sql, plain.params));
  if (!rows) return em.count(entity, where as never, { flushMode: 'commit' });
  return Number(rows[0].count);
}

/** findRows through MikroORM's query building (what plain SQL does not cover; the tests compare both). */
export async function findRowsThroughOrm<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  options: FindOptions<T> = {},
): Promise<Row<T>[]> {
  const RowClass = rowClassOf(em.getMetadata().get(entity));
  // The step of em.find that turns the where into SQL terms and adds the filters (protected in MikroORM's typings,
  // public at runtime; pinned version). Reading rows without it would read past the tenant scope.
  const processWhere = (em as unknown as ScopedWhere).processWhere.bind(em);
  const scoped = await processWhere(entity as EntityName<never>, where, options, 'read');
  const data = await em.getDriver().find(entity, scoped as never, {
    ...options,
    orderBy: (options.orderBy ?? {}) as never,
    populate: [],
    ctx: em.getTransactionContext(),
  } as never);
  return data.map((fields) => new RowClass(em, fields as Record<string, unknown>) as T);
}

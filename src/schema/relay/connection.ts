import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Cursor, type EntityName, type QueryOrderMap } from '@mikro-orm/core';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { UserInputError } from '../../errors/user-input-error.js';
import { countRows, findRows } from './read-rows.js';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}; default 20.` })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** Counted only when read (a lazy getter): a page that does not select `totalCount` runs no count query. */
  totalCount: number | Promise<number>;
}

/** `XConnection` and `XEdge` types for a node type (type-graphql needs a class per generic instance). */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => [node], { description: 'The nodes of edges, for clients that need no cursors.' }) nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return ConnectionType;
}

/**
 * One page of a keyset-paginated list (MikroORM's cursor: the query findByCursor runs, and its Cursor), read as rows
 * (./read-rows.ts: the entity's values without hydrating managed entities). `id` is always the last sort key (in the
 * direction of the one before it), so the order is total and cursors stay valid while rows are added. The total is
 * counted only if the query selects `totalCount`.
 */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  orderBy: QueryOrderMap<T>,
  page: PageArgs,
): Promise<ConnectionShape<T>> {
  const first = page.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new UserInputError('first', `must be from 0 to ${MAX_PAGE_SIZE}`);
  }
  const options = {
    where,
    first,
    after: page.after ?? undefined,
    orderBy: { ...orderBy, id: Object.values(orderBy).at(-1) ?? 'asc' } as QueryOrderMap<T>,
  };
  let cursor;
  try {
    // One row more than asked (overfetch) tells whether a next page exists, as findByCursor does.
    const findOptions = { ...options, overfetch: true };
    cursor = new Cursor(await findRows(em, entity, where, findOptions), undefined as unknown as number, findOptions, em.getMetadata().get(entity));
  } catch (err) {
    if (page.after && /cursor/i.test(String(err))) throw new UserInputError('after', 'is not a valid cursor');
    throw err;
  }
  const items = cursor.items as T[];
  let count: Promise<number> | undefined;
  const connection = {
    edges: items.map((node) => ({ cursor: cursor.from(node), node })),
    nodes: items,
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: cursor.startCursor,
      endCursor: cursor.endCursor,
    },
  };
  // The count findByCursor's includeCount would run (same where, no cursor), when `totalCount` is read.
  return Object.defineProperty(connection, 'totalCount', {
    enumerable: true,
    get: () => (count ??= countRows(em, entity, where)),
  }) as ConnectionShape<T>;
}

import type { Account } from '../entities/accounts/account.js';
import type { DatabaseSettings } from '../services/databases/database-settings.js';
import type { UseCase } from '../use-cases/use-case.js';

/** A JSON Schema (draft 2020-12) fragment, as plain data. */
export type JsonSchema = Record<string, unknown>;

/** What a section works with while a description is applied: the use case's transaction and the account. */
export interface SetupContext {
  uc: UseCase;
  account: Account;
  databases: DatabaseSettings;
}

/**
 * One kind of service in an account's set-up description (`systemUsers`, `crontabs`, `databases`…): its items' JSON
 * Schema, how an item is matched with an object the account already has (its natural key: a username, a database's
 * engine and name), and its create, update and delete, each through the service's own use cases — so a description
 * is validated, planned, written to the outbox and audited exactly as the GraphQL mutations are. Registered in
 * dependency order (./sections/index.ts): saves run in that order, deletes in the reverse one.
 */
export interface SetupSection<Item = Record<string, unknown>, Current = unknown> {
  /** The description's key for this kind, e.g. `systemUsers`. */
  readonly kind: string;
  readonly description: string;
  /** The JSON Schema of one item. */
  readonly itemSchema: JsonSchema;
  /** An item's natural key (unique in the description and among the account's objects of this kind). */
  keyOf(item: Item, ctx: SetupContext): string;
  /** The account's objects of this kind, by natural key. */
  current(ctx: SetupContext): Promise<Map<string, Current>>;
  create(ctx: SetupContext, item: Item): Promise<void>;
  /** Brings an existing object in line with its item; a use case changes (and plans) only what differs. */
  update(ctx: SetupContext, item: Item, current: Current): Promise<void>;
  /** Removes an object the description no longer lists. */
  remove(ctx: SetupContext, current: Current): Promise<void>;
  /** Objects never removed for being absent (the main system user goes only with its account). */
  keeps?(current: Current): boolean;
}

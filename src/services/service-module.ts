import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../entities/accounts/account.js';
import type { SourceRead } from './source-read.js';

/**
 * What the engine knows about one service model (a system user, a crontab line, later a DNS zone or a mailbox), in
 * one declaration next to the model's use cases. The collector, preview, server sync, the `orchestrate` command, the
 * cascade of deletes and the `node(id)` query read these declarations; none of them names a model.
 */
export interface ServiceModule<E extends ServiceEntity = ServiceEntity> {
  /** The model name: the entity class name, stored with operations and used by backends (`SystemUser`). */
  readonly model: string;
  readonly entity: EntityClass<E>;
  /** Relations `source` reads, loaded with the objects sync and `orchestrate` select. */
  readonly populate: readonly string[];
  /**
   * From an entity to the plain object its backends' `snapshot()` takes, with its account and a label for operators.
   * Runs inside the committing transaction, so it reads the state being committed; for a deleted entity, the state
   * it had in memory. `shared` lives for one plan (one state of the database): what several objects' sources read
   * alike (a crontab line's is its user's whole crontab) may be kept there, so a plan of N lines reads it once.
   */
  source(em: EntityManager, entity: E, shared?: Map<string, unknown>): Promise<ServiceSource>;
  /**
   * The reads `source` would make for `entity` that a commit may send ahead, with its routes (./source-read.ts):
   * `source` must take each through `readSource` with the same key.
   */
  sourceReads?(entity: E): SourceRead[];
  /** Changes of other models that mean a save of objects of this one (an account disabled re-renders its users). */
  readonly savedWhen: readonly ImpliedSave<E>[];
  /**
   * Owners whose delete takes these objects along (deleted first, one by one through the ORM, so each becomes a delete
   * on its servers; the database's own cascade would be invisible to the collector).
   */
  readonly ownedBy: readonly Ownership<E>[];
  /**
   * For server sync and implied saves: objects with the same key render the same configuration (every line of a
   * crontab carries the user's whole crontab), so one per key is enough. Default: every object.
   */
  syncKey?(entity: E): string;
  /**
   * The backends whose configuration of an object a server loses when its route no longer selects the object (a
   * route changed or deleted): a delete is planned there (src/orchestration/collector/route-leavers.ts). Default:
   * none — what a route stops selecting stays on its server (data such as a mailbox is never removed this way).
   */
  readonly removedWhereRoutesLeave?: readonly string[];
  /** Plain fields the `orchestrate` command may filter on (`field=value`). */
  readonly filterFields: readonly string[];
  /**
   * What a new account gets of this service from the start (every account has a main system user of its own name).
   * Runs in the account's creating transaction; throws a UserInputError to refuse the account.
   */
  createdWithAccount?(em: EntityManager, account: Account, details: NewAccountDetails): Promise<void>;
}

/** What a new account's services may use of its creation's input. */
export interface NewAccountDetails {
  /** The account's first password, in clear (a service stores only the hash its servers need). */
  password: string | null;
}

/** Every service entity has a string id (bigint primary keys come back as strings). */
export interface ServiceEntity {
  id: string;
}

export interface ServiceSource {
  account: Account | null;
  label: string;
  source: unknown;
}

/** "When an object of `model` changes one of `fields` (or any field, `*`), save these objects of ours too." */
export interface ImpliedSave<E> {
  model: string;
  fields: readonly string[];
  /** Whether creating an object of `model` implies the saves too (default: only updates of `fields`). */
  onCreate?: boolean;
  /** Whether deleting an object of `model` implies the saves too (`changed` is then its last state). */
  onDelete?: boolean;
  /** `change.before`: for an update, the changed object's data as it was (its former values, by property name). */
  objects(em: EntityManager, changed: { id: string }, change?: { kind: 'create' | 'update' | 'delete'; before?: Record<string, unknown> }): Promise<E[]>;
}

/** "When an object of `model` is deleted, delete these objects of ours first." */
export interface Ownership<E> {
  model: string;
  where(ownerId: string): FilterQuery<E>;
}

/** Identity, but checks a declaration against its entity type. */
export function defineServiceModule<E extends ServiceEntity>(module: ServiceModule<E>): ServiceModule<E> {
  return Object.freeze(module);
}

import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Batch } from './batch.js';
import { RunState } from './run-state.js';
import { ScriptRun } from './script-run.js';
import { Server } from './server.js';

/**
 * What one change means for one server: (backend, action, object) with the snapshot the backend needs, so it can be
 * replayed (retried) after the object is gone. Account users see their own account's operations (not the scripts).
 */
@Entity()
@Index({ properties: ['model', 'objectId'] })
// A run's operations (each claim, each run's end) and a batch's (standup, GraphQL): read for every change, in a table
// that keeps every change ever made (bench/restart.ts: a sequential scan took 105–185 ms at 100,000 rows).
@Index({ properties: ['run'] })
@Index({ properties: ['batch'] })
export class Operation extends BaseEntity<'state' | 'account' | 'retryOf'> {
  @ManyToOne(() => Batch, { ref: true, deleteRule: 'cascade' })
  batch!: Ref<Batch>;

  @ManyToOne(() => ScriptRun, { ref: true, deleteRule: 'cascade' })
  run!: Ref<ScriptRun>;

  @ManyToOne(() => Server, { ref: true, deleteRule: 'cascade' })
  server!: Ref<Server>;

  /** Kept (set null) when the account goes: its deletes must stay visible to operators. */
  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  account: Ref<Account> | null = null;

  @Property({ length: 32 })
  accountUsername!: string;

  @Property({ length: 64 })
  backend!: string;

  @Property({ length: 32 })
  action!: string;

  @Property({ length: 64 })
  model!: string;

  @Property({ type: 'bigint' })
  objectId!: string;

  /** Short human name of the object (e.g. the username). */
  @Property({ length: 128 })
  objectLabel!: string;

  @Property({ type: 'json' })
  snapshot!: Record<string, unknown>;

  /** Mirrors its run's state (one update moves both). */
  @Enum({ items: () => RunState, nativeEnumName: 'run_state' })
  state: RunState = RunState.RECEIVED;

  /** The operation this one retries. */
  @ManyToOne(() => Operation, { ref: true, nullable: true, deleteRule: 'set null' })
  retryOf: Ref<Operation> | null = null;
}

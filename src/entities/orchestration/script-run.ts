import type { Opt, Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Batch } from './batch.js';
import { RunState } from './run-state.js';
import { Server } from './server.js';

/**
 * One script for one (server, backend) group of a batch, and its log: the script, output, exit code and state.
 * Its id is its place in the server's queue: scripts run in id order, which is commit order (the outbox takes a
 * lock, so ids are handed out in commit order). Admin-only: a group may hold several accounts' operations.
 */
@Entity()
@Index({ properties: ['server', 'state'] })
// A server's last run (its queue position), read by every commit that writes operations: src/orchestration/outbox/server-positions.ts.
@Index({ properties: ['server', 'id'] })
// A batch's waiting runs, read by every commit's wake (src/orchestration/outbox/temporal-batch-starter.ts).
@Index({ properties: ['batch'] })
export class ScriptRun extends BaseEntity<
  'state' | 'stdout' | 'stderr' | 'exitCode' | 'attempts' | 'startedByAttempt' | 'lastError' | 'startedAt' | 'finishedAt' | 'workflowId' | 'workflowRunId' | 'heartbeatAt'
  | 'cancelRequestedAt' | 'cancelRequestedBy' | 'worker'
> {
  @ManyToOne(() => Batch, { ref: true, deleteRule: 'cascade' })
  batch!: Ref<Batch>;

  @ManyToOne(() => Server, { ref: true, deleteRule: 'cascade' })
  server!: Ref<Server>;

  @Property({ length: 64 })
  backend!: string;

  /** Names this run's marker on the server (run-once wrapper): unique across Orchestra installations and databases. */
  @Property({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  uid!: string & Opt;

  @Property({ type: 'text' })
  script!: string;

  @Property()
  timeoutMs!: number;

  @Enum({ items: () => RunState, nativeEnumName: 'run_state' })
  state: RunState = RunState.RECEIVED;

  @Property({ type: 'text' })
  stdout: string = '';

  @Property({ type: 'text' })
  stderr: string = '';

  @Property({ nullable: true })
  exitCode: number | null = null;

  /**
   * How many attempts of its activity started it (transport retries, a worker's crash): one per attempt, however often
   * that attempt marked it STARTED (a claim's waiting sections, a gather).
   */
  @Property()
  attempts: number = 0;

  /** The activity attempt that last started it: a stale attempt (a lower number) must not overwrite a newer one. */
  @Property()
  startedByAttempt: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;

  /** Last sign of life while running (output or heartbeat), for stuck-run detection. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  heartbeatAt: Date | null = null;

  /**
   * An operator's cancel, recorded before the workflow carrying the run is cancelled. Only a run with this intent is
   * ever REVOKED: a cancellation without it (a heartbeat or start-to-close timeout, a worker shutting down, a cancel
   * from the Temporal UI) leaves the script to finish on the server and the next attempt to report it.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  cancelRequestedAt: Date | null = null;

  @Property({ length: 150, nullable: true })
  cancelRequestedBy: string | null = null;

  /** The Temporal workflow that carries it (set when that workflow's activity takes it up), for the UI deep link. */
  @Property({ length: 128, nullable: true })
  workflowId: string | null = null;

  /** That workflow's Temporal run id (a workflow id can have several runs). */
  @Property({ length: 64, nullable: true })
  workflowRunId: string | null = null;

  /** The identity of the worker whose attempt took the script up last (`pid@host`). */
  @Property({ length: 255, nullable: true })
  worker: string | null = null;
}

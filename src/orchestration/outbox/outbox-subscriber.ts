import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import { ChangeSetType } from '@mikro-orm/core';
import { withInsertedIds, type Change } from '../collector/change.js';
import { planGroups } from '../collector/plan.js';
import { mattersToServers } from '../../services/index.js';
import { writeOutbox } from './write-outbox.js';
import { planUnderServerLocks } from './server-locks.js';
import { routedServers } from './server-positions.js';
import { backendsReachedBy } from '../collector/backends-reached.js';
import { sourceReadsOf } from '../collector/source-reads-of.js';
import { bindingOf, takeWrittenBatches } from './outbox-binding.js';
import type { BatchStarter } from './batch-starter.js';

/** Thrown at commit of a dry run, after its plan is handed over, so the transaction rolls back. */
export class DryRunRollback extends Error {
  constructor() {
    super('dry run: rolled back');
    this.name = 'DryRunRollback';
  }
}

/**
 * The collector (design §3): records entity changes at each flush of a transaction and, just before that transaction
 * commits, writes the operations they mean into the outbox — same transaction. After commit it asks the starter to
 * start every batch the transaction wrote (waking their server queues); if that fails (Temporal down) the relay
 * starts them later.
 */
export class OutboxSubscriber implements EventSubscriber {
  /** Changes per open transaction (keyed by the driver's transaction object). */
  private readonly pending = new WeakMap<object, Change[]>();
  /** Starts begun after a commit and not ended yet (each catches its own error). */
  private readonly starting = new Set<Promise<void>>();

  constructor(
    private readonly starter: () => BatchStarter | null,
    private readonly onStartError: (batchId: string, err: unknown) => void,
  ) {}

  /**
   * The key of the unit of work a flush belongs to: the open transaction, or, for a flush outside one (MikroORM then
   * opens its own), the unit of work, which that transaction's events carry too.
   */
  private static key(em: EntityManager | undefined, uow: object | undefined): object | undefined {
    return em?.getTransactionContext() ?? uow;
  }

  async onFlush(args: FlushEventArgs): Promise<void> {
    const key = OutboxSubscriber.key(args.em as EntityManager, args.uow)!;
    const changes = this.pending.get(key) ?? [];
    for (const cs of args.uow.getChangeSets()) {
      const model = cs.meta.className;
      if (!mattersToServers(model)) continue;
      const kind = cs.type === ChangeSetType.CREATE ? 'create' : cs.type === ChangeSetType.DELETE ? 'delete' : 'update';
      const before = kind === 'update' ? (cs.originalEntity as Record<string, unknown> | undefined) : undefined;
      changes.push({ model, id: String(cs.getPrimaryKey() ?? ''), kind, fields: Object.keys(cs.payload ?? {}), entity: cs.entity, ...(before ? { before } : {}) });
    }
    if (changes.length) this.pending.set(key, changes);
  }

  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    // A savepoint (nested transaction) commits nothing yet; the outer commit writes the outbox.
    if (!args.transaction || args.transaction.savepointName) return;
    const key = [args.transaction, args.uow].find((k) => k && this.pending.has(k));
    const changes = withInsertedIds((key && this.pending.get(key)) || []);
    if (key) this.pending.delete(key);
    const binding = bindingOf(args.transaction);
    if (!changes.length && !binding?.dryRun) return;
    const em = args.em as EntityManager;
    if (binding?.dryRun) {
      binding.dryRun(changes.length ? await planGroups(em, changes) : []);
      throw new DryRunRollback();
    }
    // The snapshots must include every transaction committed ahead of this one on the same servers.
    const backends = backendsReachedBy(changes).map((b) => b.name);
    const reads = sourceReadsOf(changes);
    const groups = await planUnderServerLocks(em, (planner, routesRead) => planGroups(planner, changes, {}, routesRead), (reader) => routedServers(reader, backends, reads));
    if (groups.length === 0) return;
    await writeOutbox(em, groups, binding?.actor ?? 'system', { atCommit: true });
  }

  /** Starts every batch the transaction wrote (the collector's, or one a use case wrote directly: a retry, a sync). */
  async afterTransactionCommit(args: TransactionEventArgs): Promise<void> {
    if (!args.transaction || args.transaction.savepointName) return;
    const batches = takeWrittenBatches(args.transaction);
    const starter = this.starter();
    if (!starter || batches.length === 0) return; // a process without Temporal (migrations, CLI dry runs): the relay will start them
    // Not awaited by the committing request: the commit is what counts, starting is best effort here.
    if (starter.startWritten) {
      this.track(starter.startWritten(batches).catch((err) => batches.forEach((batch) => this.onStartError(batch.id, err))));
      return;
    }
    for (const { id } of batches) this.track(starter.start(id).catch((err) => this.onStartError(id, err)));
  }

  /**
   * Resolves once every start begun so far has ended, or after `timeoutMs` (those left are the relay's). A process
   * waits for this before it closes its Temporal connection: a start still retrying in the client when the connection
   * closed threw "Channel has been shut down" from the client's retry timer, an uncaught exception (seen in CI).
   */
  async startsSettled(timeoutMs = 5_000): Promise<void> {
    if (this.starting.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...this.starting]), timeout]);
    clearTimeout(timer);
  }

  /** Counts a start (or the relay's sweep when an API starts: its wakes too) among those `startsSettled` waits for. */
  track(start: Promise<void>): void {
    this.starting.add(start);
    void start.finally(() => this.starting.delete(start));
  }

  async afterTransactionRollback(args: TransactionEventArgs): Promise<void> {
    if (args.transaction) this.pending.delete(args.transaction);
    if (args.uow) this.pending.delete(args.uow);
  }
}

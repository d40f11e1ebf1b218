import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Batch } from '../../entities/orchestration/batch.js';
import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { wakeServerQueue } from '../wake-server-queue.js';
import type { BatchStarter } from './batch-starter.js';
import type { WrittenBatch } from './outbox-binding.js';
import { contextFromTraceParent, inSpan, tracingActive } from '../../observability/tracing.js';
import { StartedMarks } from './started-marks.js';

/**
 * Starts a committed batch by waking the queue of every server it has scripts for (signal-with-start of
 * `<queue>-server-<id>`), then marks it started. Each queue takes its scripts from the database in commit order, so
 * waking is idempotent: the relay and the committing request may both do it, and nothing runs twice.
 *
 * Changed from the first design, where each batch was a workflow whose one activity did this: that workflow, its
 * activity and its two workflow tasks were the only per-commit Temporal work a backlog does not amortise, and on the
 * dev server's SQLite file (`npm start`) they made the engine fall behind a burst (issue "The engine under load").
 */
export class TemporalBatchStarter implements BatchStarter {
  /** The committing requests' marks and claim checks, the commits close together in one statement. */
  private readonly marks: StartedMarks;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly em: EntityManager,
  ) {
    this.marks = new StartedMarks(em);
  }

  async start(batchId: string): Promise<void> {
    if (!tracingActive()) return this.wake(batchId);
    // In the trace of the request that wrote the batch, whoever starts it (that request after commit, or the relay).
    const batch = await this.em.fork().findOne(Batch, { id: batchId }, { fields: ['traceParent'], filters: false });
    const parent = contextFromTraceParent(batch?.traceParent);
    return inSpan('batch.start', { parent, attributes: { 'orchestra.batch_id': batchId } }, () => this.wake(batchId));
  }

  /**
   * What the committing request does: it wrote the batches, so it knows their servers — no read of the runs —, marks
   * every batch started and, in the same statement, finds which of their servers have a claim running
   * (StartedMarks: with the batches of other commits close together); then wakes each of the others once (a commit
   * writing several batches for one server signals it once). With tracing on, batch by batch as `start`, each in its
   * span.
   *
   * A server with a claim running is not woken (issue 17: under a stream of changes nearly every commit found its
   * queue busy, and each wake was a signal-with-start, a workflow task and four history events for nothing): its
   * running activity claims again before it ends (following claims), and its queue claims again after it, both after
   * this commit, so they take these scripts. "Running" is a run STARTED with a heartbeat of the last few seconds, seen
   * after this commit. Should that queue end without claiming again (terminated or reset by an operator), or this
   * process die before its wakes, the relay wakes servers whose scripts waited too long (wakeWaiting).
   */
  async startWritten(batches: readonly WrittenBatch[]): Promise<void> {
    if (tracingActive()) {
      await Promise.all(batches.map((batch) => this.start(batch.id)));
      return;
    }
    const servers = new Map(batches.flatMap((batch) => batch.servers.map((server) => [server.id, server] as const)));
    const batchIds = batches.map((b) => b.id);
    const idle = await this.marks.mark(batchIds, [...servers.keys()]);
    try {
      await Promise.all([...servers.values()].filter((server) => idle.has(server.id)).map((server) => wakeServerQueue(this.client, this.taskQueue, server)));
    } catch (err) {
      // Temporal could not be reached: unmarked, the batches are the relay's at its next run (not 30 s later).
      await this.em.fork().getConnection().execute('update "batch" set "started_at" = null where "id" = any(?::bigint[])', [`{${batchIds.join(',')}}`], 'run');
      throw err;
    }
  }

  async wakeWaiting(olderThanMs: number): Promise<number> {
    const servers = await this.em.fork().getConnection().execute<{ id: string; name: string }[]>(
      `select s."id"::text as id, s."name" from "server" s
        where exists (select 1 from "script_run" r join "batch" b on b."id" = r."batch_id"
                       where r."server_id" = s."id" and r."state" = 'RECEIVED' and b."created_at" < now() - make_interval(secs => ?))`,
      [olderThanMs / 1000],
      'all',
    );
    await Promise.all(servers.map((server) => wakeServerQueue(this.client, this.taskQueue, server)));
    return servers.length;
  }

  private async wake(batchId: string): Promise<void> {
    const em = this.em.fork();
    const runs = await em.find(ScriptRun, { batch: batchId, state: RunState.RECEIVED }, { populate: ['server'], filters: false });
    const servers = new Map(runs.map((r) => [r.server.id, r.server.getEntity()]));
    await Promise.all([...servers.values()].map((server) => wakeServerQueue(this.client, this.taskQueue, server)));
    await em.nativeUpdate(Batch, { id: batchId, startedAt: null }, { startedAt: new Date() });
  }
}

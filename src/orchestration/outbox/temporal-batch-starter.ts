import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Batch } from '../../entities/orchestration/batch.js';
import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { wakeServerQueue } from '../wake-server-queue.js';
import type { BatchStarter } from './batch-starter.js';
import type { WrittenBatch } from './outbox-binding.js';
import { contextFromTraceParent, inSpan, tracingActive } from '../../observability/tracing.js';

/**
 * Starts a committed batch by waking the queue of every server it has scripts for (signal-with-start of
 * `<queue>-server-<id>`), then marks it started. Each queue takes its scripts from the database in commit order, so
 * waking is idempotent: the relay and the committing request may both do it, and nothing runs twice.
 *
 * Changed from the first design, where each batch was a workflow whose one activity did this: that workflow, its
 * activity and its two workflow tasks were the only per-commit Temporal work a backlog does not amortise, and on the
 * dev server's SQLite file (`npm start`) they made the engine fall behind a burst (issue "The engine under load").
 */
/**
 * A STARTED run whose heartbeat is older than this does not count as a claim running: its server is woken. (A claim
 * refreshes it when it starts and as its output comes.)
 */
const CLAIM_RUNNING_HEARTBEAT_MS = 10_000;

export class TemporalBatchStarter implements BatchStarter {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly em: EntityManager,
  ) {}

  async start(batchId: string): Promise<void> {
    if (!tracingActive()) return this.wake(batchId);
    // In the trace of the request that wrote the batch, whoever starts it (that request after commit, or the relay).
    const batch = await this.em.fork().findOne(Batch, { id: batchId }, { fields: ['traceParent'], filters: false });
    const parent = contextFromTraceParent(batch?.traceParent);
    return inSpan('batch.start', { parent, attributes: { 'orchestra.batch_id': batchId } }, () => this.wake(batchId));
  }

  /**
   * What the committing request does: it wrote the batches, so it knows their servers — no read of the runs —, marks
   * every batch started and, in the same statement, finds which of their servers have a claim running; then wakes
   * each of the others once (a commit writing several batches for one server signals it once). With tracing on,
   * batch by batch as `start`, each in its span.
   *
   * A server with a claim running is not woken (issue 17: under a stream of changes nearly every commit found its
   * queue busy, and each wake was a signal, a workflow task and four history events for nothing): its queue claims
   * again when that claim ends, after this commit, so it takes these scripts then. "Running" is a run STARTED with a
   * heartbeat of the last few seconds, seen after this commit; the claim's last outcome and the queue's next claim
   * come after it. Should that queue end without claiming again (terminated or reset by an operator), or this process
   * die before its wakes, the relay wakes servers whose scripts waited too long (wakeWaiting).
   */
  async startWritten(batches: readonly WrittenBatch[]): Promise<void> {
    if (tracingActive()) {
      await Promise.all(batches.map((batch) => this.start(batch.id)));
      return;
    }
    const servers = new Map(batches.flatMap((batch) => batch.servers.map((server) => [server.id, server] as const)));
    const idle = await this.em.getConnection().execute<{ id: string }[]>(
      `with "marked" as (update "batch" set "started_at" = ?::timestamptz where "id" in (?) and "started_at" is null)
       select s."id"::text as id from unnest(?::bigint[]) as s("id")
        where not exists (select 1 from "script_run" r where r."server_id" = s."id" and r."state" = 'STARTED' and r."heartbeat_at" > now() - make_interval(secs => ?))`,
      [new Date().toISOString(), batches.map((b) => b.id), `{${[...servers.keys()].join(',')}}`, CLAIM_RUNNING_HEARTBEAT_MS / 1000],
      'all',
    );
    await Promise.all(idle.map(({ id }) => wakeServerQueue(this.client, this.taskQueue, servers.get(id)!)));
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

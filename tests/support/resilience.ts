/**
 * Helpers for the engine's resilience tests (tests/orchestration-*.test.ts): polling without timed assertions,
 * operations as an operator sees them through GraphQL, stubs on a host's PATH, host state.
 */
import { Operation } from '../../src/entities/orchestration/operation.js';
import { FINAL_STATES } from '../../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../../src/entities/orchestration/script-run.js';
import { crontabsBackend, renderCrontabLines } from '../../src/orchestration/backends/crontabs/crontabs.backend.js';
import { Crontab } from '../../src/entities/services/crontab.js';
import { SystemUser } from '../../src/entities/services/system-user.js';
import { idOf, toGlobalId } from '../../src/schema/relay/global-id.js';
import { serverQueueWorkflowId } from '../../src/workflows/contracts/workflow-ids.js';
import { OperationsDocument, type OperationsQuery } from '../generated/graphql.js';
import type { OrchestraHarness } from './orchestra-harness.js';
import type { SshHost } from './sshd-host.js';

type OperationNode = OperationsQuery['operations']['nodes'][number];
/** An operation as an admin sees it: its run and server are there (they are null only for account users). */
export type OperationView = OperationNode & { run: NonNullable<OperationNode['run']>; server: NonNullable<OperationNode['server']> };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `probe` until `done` accepts its result, then returns it. The deadline is generous: it only keeps a broken
 * test from hanging; no assertion depends on how fast things happen.
 */
export async function pollUntil<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last seen: ${JSON.stringify(value, null, 1)?.slice(0, 4000)}`);
    await sleep(everyMs);
  }
}

/** Database id of a global id. */
export const dbId = (type: string, globalId: string) => idOf(type, globalId);
export const operationGid = (id: string) => toGlobalId('Operation', id);

/** One operation as an operator sees it (GraphQL `operations`), by database id. */
export async function operationView(h: OrchestraHarness, id: string, filter: Record<string, unknown> = {}): Promise<OperationView | undefined> {
  const op = await h.orm.em.fork().findOneOrFail(Operation, { id });
  const result = await h.admin.data(OperationsDocument, {
    first: 100,
    filter: { model: op.model, objectId: toGlobalId(op.model, op.objectId), ...filter },
  });
  const node = result.operations.nodes.find((n) => dbId('Operation', n.id) === id);
  if (node && (!node.run || !node.server)) throw new Error(`operation ${id} seen without its run or server: ${JSON.stringify(node)}`);
  return node as OperationView | undefined;
}

/** Operations (database rows, with run and server), oldest first. */
export async function operationsOf(h: OrchestraHarness, where: Record<string, unknown>): Promise<Operation[]> {
  return h.orm.em.fork().find(Operation, where, { orderBy: { id: 'asc' }, populate: ['run', 'server'] });
}

/** Installs an executable stub first on the host's PATH (/usr/local/sbin is private to the sandbox). */
export async function installStub(host: SshHost, name: string, body: string): Promise<void> {
  await host.sandbox.exec(['bash', '-c', `cat > /usr/local/sbin/${name} && chmod 0755 /usr/local/sbin/${name}`], body);
}

export async function removeStub(host: SshHost, name: string): Promise<void> {
  await host.sandbox.exec(['rm', '-f', `/usr/local/sbin/${name}`]);
}

export async function passwdEntry(host: SshHost, user: string): Promise<string> {
  return (await host.sandbox.exec(['bash', '-c', 'getent passwd -- "$1" || true', 'getent', user])).stdout.trim();
}

/** `crontab -l -u user` on the host ('' when the user has none). */
export async function hostCrontab(host: SshHost, user: string): Promise<string> {
  return (await host.sandbox.exec(['bash', '-c', 'crontab -l -u "$1" 2>/dev/null || true', 'crontab', user])).stdout;
}

/** The crontab the database says the user must have, rendered by the backend itself. */
export async function expectedCrontab(h: OrchestraHarness, username: string): Promise<string> {
  const em = h.orm.em.fork();
  const user = await em.findOneOrFail(SystemUser, { username }, { populate: ['account'], filters: false });
  const entries = await em.find(Crontab, { systemUser: user.id, isActive: true }, { orderBy: { id: 'asc' }, filters: false });
  if (entries.length === 0) return '';
  const snapshot = crontabsBackend.snapshot({
    systemUsername: username,
    isActive: user.isActive && user.account.getEntity().isActive,
    entries: entries.map((e) => ({
      id: e.id,
      minute: e.minute,
      hour: e.hour,
      dayOfMonth: e.dayOfMonth,
      month: e.month,
      dayOfWeek: e.dayOfWeek,
      command: e.command,
      description: e.description,
    })),
  });
  return `${renderCrontabLines(snapshot).join('\n')}\n`;
}

/**
 * The runs of a server in queue order (id), each with its timings: asserts the queue ran them one at a time in id
 * (= commit) order: every run started after the previous one finished.
 */
export async function assertSerialInIdOrder(h: OrchestraHarness, serverId: string): Promise<ScriptRun[]> {
  const runs = await h.orm.em.fork().find(ScriptRun, { server: serverId, startedAt: { $ne: null } }, { orderBy: { id: 'asc' } });
  const problems: string[] = [];
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    if (!run.finishedAt || run.finishedAt < run.startedAt!) problems.push(`run ${run.id}: finished ${run.finishedAt?.toISOString()} before start ${run.startedAt!.toISOString()}`);
    const previous = runs[i - 1];
    if (previous && run.startedAt! < previous.finishedAt!) {
      problems.push(`run ${run.id} started ${run.startedAt!.toISOString()} before run ${previous.id} finished ${previous.finishedAt!.toISOString()}`);
    }
  }
  if (problems.length) throw new Error(`server ${serverId}: runs overlap or are out of commit order:\n${problems.slice(0, 20).join('\n')}`);
  return runs;
}

/** Runs `worker` over `items` with at most `concurrency` in flight; results in item order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await worker(items[i], i);
      }
    }),
  );
  return results;
}

/**
 * Waits until no operation is left in a non-final state and at least `min` exist (a light count query: polling a
 * burst's hundreds of operations with their scripts would load the machine more than the burst itself).
 */
export async function settleCount(h: OrchestraHarness, min: number, timeoutMs = 180_000): Promise<void> {
  const em = () => h.orm.em.fork();
  await pollUntil(
    `${min} operations to settle`,
    async () => ({ total: await em().count(Operation, {}), pending: await em().count(Operation, { state: { $nin: [...FINAL_STATES] } }) }),
    ({ total, pending }) => total >= min && pending === 0,
    timeoutMs,
    250,
  );
}

/** temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED (@temporalio/proto is not a direct dependency). */
const EVENT_TYPE_TIMER_STARTED = 17;

/**
 * Waits until the server's queue workflow is idle: it found nothing to claim and sleeps on its idle timer (the last
 * event of its history is that timer's start). Only then is a run committed now left alone until something wakes
 * the queue: right after a run finishes, the queue still claims the next one on its own.
 */
export async function queueIdle(h: OrchestraHarness, serverId: string): Promise<void> {
  const handle = h.temporal.workflow.getHandle(serverQueueWorkflowId(h.config.temporalTaskQueue, serverId));
  await pollUntil(
    `the queue of server ${serverId} to be idle`,
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      return Number(events[events.length - 1]?.eventType);
    },
    (last) => last === EVENT_TYPE_TIMER_STARTED,
  );
}

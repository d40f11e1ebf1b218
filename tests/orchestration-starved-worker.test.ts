/**
 * Starved workers (issue "The engine under load", defects 1 and 2). A worker process is paused with SIGSTOP while a
 * script runs, long enough for Temporal to time its activity out (heartbeat timeout) and schedule another attempt.
 * When it comes back, the stale attempt learns it was timed out. That must never change an outcome: no operation is
 * REVOKED without an operator's cancel, no script runs twice, none is lost, and the host ends as the database says.
 * What each host really ran comes from a log its commands write (tests/support/effects-log.ts).
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { relayScheduleId } from '../src/temporal/schedules/index.js';
import { CreateAccountDocument, CreateSystemUserDocument, DeleteSystemUserDocument } from './generated/graphql.js';
import { effectsOf, hold, installEffectsLog, invoked, release } from './support/effects-log.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { operationsOf, passwdEntry, pollUntil } from './support/resilience.js';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

let h: OrchestraHarness;
let accountId: string;
const workers: WorkerProcess[] = [];
const startWorker = async () => {
  const worker = await startWorkerProcess(h);
  workers.push(worker);
  return worker;
};

beforeAll(async () => {
  // No in-process worker: worker processes, which the tests pause.
  h = await startOrchestraHarness(['web1']);
  await h.addServer('web1', ['system-users']);
  await Promise.all([startWorker(), startWorker()]);
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'starve', type: 'INDIVIDUAL' } });
  accountId = created.createAccount.account!.id;
  await h.settle({ objectLabel: 'starve' }, 1);
  await installEffectsLog(h.hosts.web1);
}, 360_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  await h.temporal.schedule.getHandle(relayScheduleId(h.config.temporalTaskQueue)).delete().catch(() => undefined);
  await h?.close();
}, 60_000);

async function createThenDelete(username: string): Promise<void> {
  const created = await h.admin.data(CreateSystemUserDocument, { input: { accountId, username } });
  expect(created.createSystemUser.userErrors).toEqual([]);
  const deleted = await h.admin.data(DeleteSystemUserDocument, { id: created.createSystemUser.systemUser!.id });
  expect(deleted.deleteSystemUser.userErrors).toEqual([]);
}

/** The Temporal attempt number of the run workflow's pending activity (0 when none is pending). */
async function pendingAttempt(run: ScriptRun): Promise<number> {
  if (!run.workflowId) return 0;
  const description = await h.temporal.workflow.getHandle(run.workflowId).describe();
  return description.raw.pendingActivities?.[0]?.attempt ?? 0;
}

const runOf = (op: Operation) => h.orm.em.fork().findOneOrFail(ScriptRun, { id: op.run.id });

/** The worker process whose attempt runs the operation's script (its identity is `pid@host`). */
async function workerRunning(op: Operation): Promise<WorkerProcess> {
  const run = await pollUntil('a worker to take the script up', () => runOf(op), (r) => r.worker !== null);
  const worker = workers.find((w) => run.worker === `${w.child.pid}@${hostname()}`);
  if (!worker) throw new Error(`no worker process of this test is ${run.worker}`);
  return worker;
}

test('a worker starved mid-create while a second worker takes over: no REVOKED, the create runs once, the delete after it', async () => {
  await hold(h.hosts.web1, 'useradd', 'starved1');
  await createThenDelete('starved1');
  await invoked(h.hosts.web1, 'useradd starved1');
  const [create] = await operationsOf(h, { objectLabel: 'starved1' });

  const first = await workerRunning(create);
  first.pause();
  try {
    // The heartbeat timeout passes; the second worker's attempt takes the script over and waits for the first one's
    // still-running process on the host (the run-once wrapper's lock).
    await pollUntil('another attempt to take the create over', () => runOf(create), (run) => run.attempts >= 2, 120_000, 500);
  } finally {
    first.resume();
  }
  // The first worker comes back and learns its attempt is gone (it stops, or it revokes what it was running, as the
  // engine did before), while the script is still held on the host.
  await pollUntil(
    'the stale attempt to end',
    async () => ({ stopped: /attempt 1 stopped/.test(first.output()), revoked: await h.orm.em.fork().count(Operation, { state: RunState.REVOKED }) }),
    ({ stopped, revoked }) => stopped || revoked > 0,
    120_000,
    250,
  );
  await release(h.hosts.web1, 'useradd', 'starved1');

  const ops = await h.settle({ objectLabel: 'starved1' }, 2, 120_000);
  expect(ops.map((o) => [o.action, o.state])).toEqual([
    ['save', RunState.SUCCESS],
    ['delete', RunState.SUCCESS],
  ]);
  expect(await effectsOf(h.hosts.web1, 'starved1')).toEqual(['useradd starved1', 'userdel starved1']);
  expect(await passwdEntry(h.hosts.web1, 'starved1')).toBe('');
}, 240_000);

test('the only worker starved mid-delete: the attempt that comes back stale does not revoke the delete, which runs once', async () => {
  await hold(h.hosts.web1, 'userdel', 'starved2');
  await createThenDelete('starved2');
  // useradd is not held (only userdel waits): the create ran; the delete is running.
  await invoked(h.hosts.web1, 'userdel starved2');
  const [, del] = await operationsOf(h, { objectLabel: 'starved2' });
  const worker = await workerRunning(del);
  for (const other of workers.filter((w) => w !== worker)) await other.stop();

  worker.pause();
  try {
    // Temporal times the attempt out and schedules the next one, which only this worker can take.
    await pollUntil('Temporal to schedule another attempt', async () => pendingAttempt(await runOf(del)), (attempt) => attempt >= 2, 120_000, 500);
  } finally {
    worker.resume();
  }
  // (Or, as the engine did before, the stale attempt revokes it: then no attempt ever takes it over.)
  await pollUntil('the next attempt to take the delete over', () => runOf(del), (run) => run.attempts >= 2 || run.state === RunState.REVOKED, 120_000, 250);
  await release(h.hosts.web1, 'userdel', 'starved2');

  const ops = await h.settle({ objectLabel: 'starved2' }, 2, 120_000);
  expect(ops.map((o) => [o.action, o.state])).toEqual([
    ['save', RunState.SUCCESS],
    ['delete', RunState.SUCCESS],
  ]);
  expect(await effectsOf(h.hosts.web1, 'starved2')).toEqual(['useradd starved2', 'userdel starved2']);
  expect(await passwdEntry(h.hosts.web1, 'starved2')).toBe('');
  expect(await h.orm.em.fork().count(Operation, { state: RunState.REVOKED })).toBe(0);
}, 240_000);

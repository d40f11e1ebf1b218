/**
 * Waking a server's queue after a commit (src/orchestration/outbox/temporal-batch-starter.ts), end to end: a commit
 * for a server whose claim is running sends no signal (its queue claims again when the claim ends), and a script
 * whose wake was skipped while its queue ended anyway is woken by the relay once it has waited too long.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { WrittenBatch } from '../src/orchestration/outbox/outbox-binding.js';
import { setBatchStarter } from '../src/orchestration/outbox/outbox-registry.js';
import { relayUnstartedBatches } from '../src/orchestration/outbox/relay.js';
import { TemporalBatchStarter } from '../src/orchestration/outbox/temporal-batch-starter.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { serverQueueWorkflowId } from '../src/workflows/contracts/workflow-ids.js';
import { CreateAccountDocument, CreateSystemUserDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { effectsOf, hold, installEffectsLog, invoked, release } from './support/effects-log.js';
import { dbId, operationView, operationsOf, passwdEntry, pollUntil } from './support/resilience.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';

let h: OrchestraHarness;
let accountId: string;
let starter: TemporalBatchStarter;
/** The wakes of the commits since the last call have all been sent (or skipped). */
let startsEnded: Promise<void>[] = [];

beforeAll(async () => {
  h = await startOrchestraHarness(['web1']);
  await h.startWorker();
  await h.addServer('web1', ['system-users']);
  // The real starter, watched: a test knows when a commit's wakes were sent or skipped.
  starter = new TemporalBatchStarter(h.temporal, h.config.temporalTaskQueue, h.orm.em);
  setBatchStarter(h.orm, {
    start: (batchId) => starter.start(batchId),
    startWritten(batches: readonly WrittenBatch[]) {
      const started = starter.startWritten(batches);
      startsEnded.push(started);
      return started;
    },
  });
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'wakeacct', type: 'INDIVIDUAL' } });
  accountId = created.createAccount.account!.id;
  await h.settle({ objectLabel: 'wakeacct' }, 1);
  await installEffectsLog(h.hosts.web1);
}, 120_000);
afterAll(() => h?.close());

const webServer = () => dbId('Server', h.serverIds.web1);
const queue = () => h.temporal.workflow.getHandle(serverQueueWorkflowId(h.config.temporalTaskQueue, webServer()));
const userOps = (username: string) => operationsOf(h, { model: 'SystemUser', objectLabel: username, server: webServer() });

async function createSystemUser(username: string): Promise<void> {
  const result = await h.admin.data(CreateSystemUserDocument, { input: { accountId, username } });
  expect(result.createSystemUser.userErrors).toEqual([]);
}

async function wakesEnded(): Promise<void> {
  const ended = startsEnded;
  startsEnded = [];
  await Promise.all(ended);
}

/** The wake signals in the queue's current run's history. */
async function wakeSignals(): Promise<number> {
  const history = await queue().fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}

test('changes committed while their server runs a claim send no wake; the queue takes them, in order, when the claim ends', async () => {
  await hold(h.hosts.web1, 'useradd', 'heldwake');
  await createSystemUser('heldwake');
  await wakesEnded();
  await invoked(h.hosts.web1, 'useradd heldwake');
  const signalsBefore = await wakeSignals();

  await createSystemUser('queuedwake1');
  await createSystemUser('queuedwake2');
  await wakesEnded();
  // Before: one signal (and a workflow task) per commit, though the queue was going to claim again anyway.
  expect(await wakeSignals()).toBe(signalsBefore);
  for (const name of ['queuedwake1', 'queuedwake2']) expect((await operationView(h, (await userOps(name))[0].id))!.state).toBe('RECEIVED');

  await release(h.hosts.web1, 'useradd', 'heldwake');
  const done = await h.settle({ model: 'SystemUser', objectLabel: { $in: ['heldwake', 'queuedwake1', 'queuedwake2'] } }, 3);
  expect(done.map((o) => [o.objectLabel, o.state])).toEqual([
    ['heldwake', RunState.SUCCESS],
    ['queuedwake1', RunState.SUCCESS],
    ['queuedwake2', RunState.SUCCESS],
  ]);
  for (const name of ['queuedwake1', 'queuedwake2']) expect(await passwdEntry(h.hosts.web1, name)).toMatch(new RegExp(`^${name}:`));
}, 120_000);

test('a script whose wake was skipped while its queue ended without claiming again is woken by the relay', async () => {
  await createSystemUser('endedfirst');
  const [first] = await h.settle({ objectLabel: 'endedfirst' }, 1);
  expect(first.state).toBe(RunState.SUCCESS);
  // What a queue terminated by an operator in the middle of a claim leaves: the queue gone, its run STARTED with a
  // recent heartbeat (the run-once wrapper on the host has its exit).
  await queue().terminate('an operator ends the queue mid-claim');
  const connection = h.orm.em.fork().getConnection();
  await connection.execute(`update "script_run" set "state" = 'STARTED', "heartbeat_at" = now() where "id" = ?`, [first.run.id]);
  await connection.execute(`update "operation" set "state" = 'STARTED' where "run_id" = ?`, [first.run.id]);

  await createSystemUser('endedwaiting');
  await wakesEnded();
  const [waiting] = await userOps('endedwaiting');
  expect((await operationView(h, waiting.id))!.state).toBe('RECEIVED');
  expect((await queue().describe()).status.name).toBe('TERMINATED');

  // The relay, once the script has waited longer than its threshold (the batch made older instead of waiting).
  await connection.execute(`update "batch" set "created_at" = now() - interval '1 minute' where "id" = (select "batch_id" from "script_run" where "id" = ?)`, [waiting.run.id]);
  await relayUnstartedBatches(h.orm.em.fork(), starter);
  const settled = await h.settle({ objectLabel: { $in: ['endedfirst', 'endedwaiting'] }, model: 'SystemUser' }, 2);
  expect(settled.map((o) => [o.objectLabel, o.state])).toEqual([['endedfirst', RunState.SUCCESS], ['endedwaiting', RunState.SUCCESS]]);
  expect(await passwdEntry(h.hosts.web1, 'endedwaiting')).toMatch(/^endedwaiting:/);
  // The run the ended queue left was claimed again and reported from the host, not run twice.
  expect(await effectsOf(h.hosts.web1, 'endedfirst')).toEqual(['useradd endedfirst']);
}, 120_000);

test('a commit whose wake fails leaves its batch unmarked, for the relay to start at its next run', async () => {
  const connection = h.orm.em.fork().getConnection();
  const now = new Date().toISOString();
  const [batch] = await connection.execute<{ id: string }[]>(`insert into "batch" ("actor", "created_at", "updated_at") values ('test', ?::timestamptz, ?::timestamptz) returning id::text`, [now, now]);
  const server = { id: webServer(), name: 'web1' };
  // No claim runs on web1 now: its queue is woken, and Temporal refuses the call (no task queue).
  await pollUntil('no claim running on web1', () => h.orm.em.fork().count(ScriptRun, { server: webServer(), state: RunState.STARTED }), (n) => n === 0);
  const refused = new TemporalBatchStarter(h.temporal, '', h.orm.em);
  await expect(refused.startWritten([{ id: batch.id, servers: [server] }])).rejects.toThrow();
  const startedAt = async () => (await connection.execute<{ started_at: Date | null }[]>(`select started_at from "batch" where id = ?`, [batch.id]))[0].started_at;
  // The mark comes before the wake (one statement with the claim check): a failed wake takes it back, or the
  // relay's start would never pick the batch up.
  expect(await startedAt()).toBeNull();
  await starter.startWritten([{ id: batch.id, servers: [server] }]);
  expect(await startedAt()).not.toBeNull();
}, 60_000);

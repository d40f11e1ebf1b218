/**
 * Observability end to end, on the real engine (API over HTTP, worker, Temporal dev server, sandboxed sshd hosts):
 * one request followed through the logs by its request id; /metrics of the API and of the worker against the
 * database, a stopped host, the relay and the schedules.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import { Batch } from '../src/entities/orchestration/batch.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { setBatchStarter } from '../src/orchestration/outbox/outbox-registry.js';
import { TemporalBatchStarter } from '../src/orchestration/outbox/temporal-batch-starter.js';
import { relayUnstartedBatches } from '../src/orchestration/outbox/relay.js';
import { startWorkerMetrics } from '../src/observability/worker-metrics.js';
import { SCHEDULES, reconcileSchedules, relayScheduleId } from '../src/temporal/schedules/index.js';
import { serverQueueWorkflowId } from '../src/workflows/contracts/workflow-ids.js';
import { CreateAccountDocument, OperationsDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { scrape, sampleValue, type Sample } from './support/prometheus-text.js';
import { pollUntil } from './support/resilience.js';
import { testLogDir } from './support/test-log.js';

let h: OrchestraHarness;
let metricsUrl: string;
beforeAll(async () => {
  h = await startOrchestraHarness(['web1', 'web2']);
  await h.startWorker();
  await h.addServer('web1', ['system-users']);
  await h.addServer('web2', ['system-users']);
  metricsUrl = h.api.url.replace(/\/graphql$/, '/metrics');
}, 120_000);
afterAll(() => h?.close());

function logLines(): Record<string, unknown>[] {
  const text = readFileSync(join(testLogDir()!, `${process.pid}.log`), 'utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const createAccount = (username: string, password: string, headers: Record<string, string> = {}) =>
  h.admin.raw<{ createAccount: { account: { id: string } | null; userErrors: unknown[] } }>(
    { query: print(CreateAccountDocument), variables: { input: { username, type: 'INDIVIDUAL', password } } },
    headers,
  );

test('the log lines of one mutation, filtered by its request id, show the request, its batch, each server run and its exit code; never the password', async () => {
  const requestId = `obs-${Math.random().toString(36).slice(2, 12)}`;
  const password = 'a rather secret password 7731';
  const response = await createAccount('obslog', password, { 'x-request-id': requestId });
  expect(response.data?.createAccount.userErrors).toEqual([]);
  const ops = await h.settle({ accountUsername: 'obslog' }, 2);

  // The batch keeps the request id; each server queue's runScript activity is given it with the claim, and logs it.
  const batch = await h.orm.em.fork().findOneOrFail(Batch, { requestId });
  expect(ops.map((o) => o.batch.id)).toEqual([batch.id, batch.id]);
  const runs = await h.orm.em.fork().find(ScriptRun, { batch: batch.id }, { populate: ['server'] });
  expect(runs.map((r) => r.server.getEntity().name).sort()).toEqual(['web1', 'web2']);
  for (const run of runs) {
    expect(run.workflowId).toBe(serverQueueWorkflowId(h.config.temporalTaskQueue, run.server.id));
    // Run ids are per database: another installation in this process (its own task queue) has a run 1 too.
    const claim = logLines().find(
      (line) => line.msg === 'claim starting' && line.workflowId === run.workflowId && (line.scriptRunIds as string[]).includes(run.id),
    );
    expect(claim).toMatchObject({ requestIds: [requestId], activity: 'runScript', workflowId: run.workflowId });
  }

  const lines = logLines().filter((line) => line.requestId === requestId);
  const request = lines.find((line) => line.msg === 'graphql request');
  expect(request).toMatchObject({ operation: 'createAccount', type: 'mutation', actor: 'admin' });
  expect(typeof request!.account).toBe('string');
  expect(lines.find((line) => line.msg === 'batch written')).toMatchObject({ batchId: batch.id, scriptRunIds: expect.arrayContaining(runs.map((r) => r.id)) });
  for (const run of runs) {
    expect(lines.find((line) => line.msg === 'script run finished' && line.scriptRunId === run.id)).toMatchObject({
      state: 'SUCCESS', exitCode: 0, server: run.server.getEntity().name, backend: 'system-users', activity: 'runScript',
      workflowId: run.workflowId,
    });
  }
  // The variables were logged (debug), the password in them was not.
  expect(lines.find((line) => line.msg === 'graphql request variables')).toMatchObject({ variables: { input: { username: 'obslog', password: '[REDACTED]' } } });
  expect(readFileSync(join(testLogDir()!, `${process.pid}.log`), 'utf8')).not.toContain(password);
  // The id goes back to the caller; one not given is made up.
  const other = await fetch(h.api.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

async function operationsByState(): Promise<Record<string, number>> {
  const rows = await h.orm.em.fork().getConnection().execute<{ state: string; n: number }[]>('select state, count(*)::int as n from operation group by state');
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

function gaugeByLabel(samples: Sample[], name: string, label: string): Record<string, number> {
  return Object.fromEntries(samples.filter((s) => s.name === name).map((s) => [s.labels[label]!, s.value]));
}

test('after a burst, /metrics agrees with the database; a stopped host makes its queue depth and oldest age rise and its retries count', async () => {
  const before = await h.orm.em.fork().count(Operation, {});
  await Promise.all(Array.from({ length: 6 }, (_, i) => createAccount(`obsburst${i}`, `burst password ${i} of six`)));
  await h.settle({}, before + 12, 180_000);

  let samples = await scrape(metricsUrl);
  expect(gaugeByLabel(samples, 'orchestra_operations', 'state')).toEqual(await operationsByState());
  expect(gaugeByLabel(samples, 'orchestra_server_queue_depth', 'server')).toEqual({ web1: 0, web2: 0 });
  expect(gaugeByLabel(samples, 'orchestra_server_host_key_changed', 'server')).toEqual({ web1: 0, web2: 0 });
  // Each script run over SSH was timed, by server and backend.
  const web1Runs = await h.orm.em.fork().count(ScriptRun, { server: await dbServer('web1'), state: RunState.SUCCESS });
  expect(sampleValue(samples, 'orchestra_ssh_exec_duration_seconds_count', { server: 'web1', backend: 'system-users', outcome: 'SUCCESS' })).toBeGreaterThanOrEqual(web1Runs);
  expect(sampleValue(samples, 'orchestra_graphql_request_duration_seconds_count', { operation: 'createAccount', type: 'mutation' })).toBeGreaterThanOrEqual(7);
  const retriesBefore = sampleValue(samples, 'orchestra_script_retries_total', { server: 'web2', backend: 'system-users' }) ?? 0;

  // web2 goes down: its scripts wait and are retried; web1's run.
  await h.hosts.web2.stopSshd();
  try {
    await Promise.all(Array.from({ length: 2 }, (_, i) => createAccount(`obsdown${i}`, `down password ${i} of two`)));
    samples = await pollUntil('web2 to have a queue and retries', () => scrape(metricsUrl), (s) =>
      sampleValue(s, 'orchestra_server_queue_depth', { server: 'web2' }) === 2 &&
      (sampleValue(s, 'orchestra_script_retries_total', { server: 'web2', backend: 'system-users' }) ?? 0) > retriesBefore &&
      sampleValue(s, 'orchestra_server_queue_depth', { server: 'web1' }) === 0, 120_000, 500);
    const age = sampleValue(samples, 'orchestra_server_queue_oldest_age_seconds', { server: 'web2' })!;
    expect(age).toBeGreaterThan(0);
    expect(sampleValue(samples, 'orchestra_server_queue_oldest_age_seconds', { server: 'web1' })).toBe(0);
    await pollUntil('the oldest age to rise', () => scrape(metricsUrl), (s) => sampleValue(s, 'orchestra_server_queue_oldest_age_seconds', { server: 'web2' })! > age, 60_000, 500);
    // web2's runs go STARTED → RETRYING → STARTED while it is down, so a scrape and a read of the database taken one
    // after the other may straddle a move: they must agree when nothing moved in between.
    const agreeing = await pollUntil('a scrape to agree with the database', async () => {
      const [scraped, stored] = [gaugeByLabel(await scrape(metricsUrl), 'orchestra_operations', 'state'), await operationsByState()];
      return { scraped, stored };
    }, ({ scraped, stored }) => sameCounts(scraped, stored), 60_000, 250);
    expect(agreeing.scraped).toEqual(agreeing.stored);
  } finally {
    await h.hosts.web2.startSshd();
  }
  await h.settle({}, before + 16, 180_000);
  expect(gaugeByLabel(await scrape(metricsUrl), 'orchestra_server_queue_depth', 'server')).toEqual({ web1: 0, web2: 0 });
});

async function dbServer(name: string): Promise<string> {
  const rows = await h.orm.em.fork().getConnection().execute<{ id: string }[]>('select id from server where name = ?', [name]);
  return String(rows[0]!.id);
}

test('relay lag: a batch committed while Temporal cannot be reached shows as unstarted, with its age, until the relay starts it', async () => {
  setBatchStarter(h.orm, null);
  try {
    expect((await createAccount('obsrelay', 'relay password 1234')).data?.createAccount.userErrors).toEqual([]);
  } finally {
    setBatchStarter(h.orm, new TemporalBatchStarter(h.temporal, h.config.temporalTaskQueue, h.orm.em));
  }
  const lagging = await pollUntil('the age to be above 0', () => scrape(metricsUrl), (s) => sampleValue(s, 'orchestra_relay_oldest_unstarted_age_seconds')! > 0, 30_000, 200);
  expect(sampleValue(lagging, 'orchestra_relay_unstarted_batches')).toBe(1);
  await relayUnstartedBatches(h.orm.em.fork(), new TemporalBatchStarter(h.temporal, h.config.temporalTaskQueue, h.orm.em), 0);
  const caughtUp = await scrape(metricsUrl);
  expect(sampleValue(caughtUp, 'orchestra_relay_unstarted_batches')).toBe(0);
  expect(sampleValue(caughtUp, 'orchestra_relay_oldest_unstarted_age_seconds')).toBe(0);
  await h.settle({ accountUsername: 'obsrelay' }, 2);
});

test('GraphQL errors are counted by code; the operations list is a query', async () => {
  const anonymous = await h.client.request(OperationsDocument, {});
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  const samples = await scrape(metricsUrl);
  expect(sampleValue(samples, 'orchestra_graphql_errors_total', { operation: 'operations', code: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
  expect(sampleValue(samples, 'orchestra_graphql_request_duration_seconds_count', { operation: 'operations', type: 'query' })).toBeGreaterThanOrEqual(1);
});

test("the worker's /metrics: each declared schedule's last run and last success, read from Temporal", async () => {
  const taskQueue = h.config.temporalTaskQueue;
  await reconcileSchedules(h.temporal, taskQueue, SCHEDULES);
  const metrics = (await startWorkerMetrics({ host: '127.0.0.1', temporalTaskQueue: taskQueue, observability: { ...h.config.observability, workerMetricsPort: 0 } }, h.temporal, h.runner, { scheduleReadingMaxAgeMs: 0 }))!;
  try {
    const first = await scrape(metrics.url);
    // The worker's SSH pool, read when scraped: the earlier tests left connections open.
    expect(sampleValue(first, 'orchestra_ssh_pool', { kind: 'connections' })).toBeGreaterThanOrEqual(1);
    expect(gaugeByLabel(first, 'orchestra_schedule_declared', 'schedule')).toEqual(Object.fromEntries(SCHEDULES.map((s) => [s.name, 1])));
    const triggeredAt = Date.now() / 1000;
    await h.temporal.schedule.getHandle(relayScheduleId(taskQueue)).trigger();
    const after = await pollUntil('the relay schedule to have succeeded', () => scrape(metrics.url), (s) =>
      (sampleValue(s, 'orchestra_schedule_last_success_timestamp_seconds', { schedule: 'outbox-relay' }) ?? 0) >= Math.floor(triggeredAt) - 1, 90_000, 500);
    expect(sampleValue(after, 'orchestra_schedule_last_run_timestamp_seconds', { schedule: 'outbox-relay' })).toBeGreaterThanOrEqual(Math.floor(triggeredAt) - 1);
    // A schedule that never ran has no timestamp: "never" is not a time.
    expect(sampleValue(after, 'orchestra_schedule_last_success_timestamp_seconds', { schedule: 'orders-update' })).toBeUndefined();
  } finally {
    await metrics.close();
    await reconcileSchedules(h.temporal, taskQueue, []);
  }
});

test("the worker's schedule gauges: scrapes reuse one reading of Temporal while it is young; a schedule Temporal does not have shows as absent, with no warning per scrape", async () => {
  const taskQueue = h.config.temporalTaskQueue;
  const warnings = () => logLines().filter((l) => l.msg === 'cannot read the schedule for metrics').length;
  const warningsBefore = warnings();
  // None of the declared schedules exists in Temporal (the bench's case: it never reconciles them).
  await reconcileSchedules(h.temporal, taskQueue, []);
  const missing = (await startWorkerMetrics({ host: '127.0.0.1', temporalTaskQueue: taskQueue, observability: { ...h.config.observability, workerMetricsPort: 0 } }, h.temporal, h.runner, { scheduleReadingMaxAgeMs: 0 }))!;
  try {
    for (let i = 0; i < 3; i++) {
      const samples = await scrape(missing.url);
      expect(gaugeByLabel(samples, 'orchestra_schedule_present', 'schedule')).toEqual(Object.fromEntries(SCHEDULES.map((s) => [s.name, 0])));
    }
    expect(warnings()).toBe(warningsBefore);
  } finally {
    await missing.close();
  }

  // With the schedules there, a reading serves every scrape for its maximum age (here longer than the test): the
  // relay's success, visible in Temporal, does not reach a scrape until then.
  await reconcileSchedules(h.temporal, taskQueue, SCHEDULES);
  const cached = (await startWorkerMetrics({ host: '127.0.0.1', temporalTaskQueue: taskQueue, observability: { ...h.config.observability, workerMetricsPort: 0 } }, h.temporal, h.runner, { scheduleReadingMaxAgeMs: 60 * 60_000 }))!;
  const fresh = (await startWorkerMetrics({ host: '127.0.0.1', temporalTaskQueue: taskQueue, observability: { ...h.config.observability, workerMetricsPort: 0 } }, h.temporal, h.runner, { scheduleReadingMaxAgeMs: 0 }))!;
  try {
    const first = await scrape(cached.url);
    expect(gaugeByLabel(first, 'orchestra_schedule_present', 'schedule')).toEqual(Object.fromEntries(SCHEDULES.map((s) => [s.name, 1])));
    const relayBefore = sampleValue(first, 'orchestra_schedule_last_success_timestamp_seconds', { schedule: 'outbox-relay' });
    const triggeredAt = Date.now() / 1000;
    await h.temporal.schedule.getHandle(relayScheduleId(taskQueue)).trigger();
    await pollUntil('the relay schedule to have succeeded (fresh reading)', () => scrape(fresh.url), (s) =>
      (sampleValue(s, 'orchestra_schedule_last_success_timestamp_seconds', { schedule: 'outbox-relay' }) ?? 0) >= Math.floor(triggeredAt) - 1, 90_000, 500);
    const again = await scrape(cached.url);
    expect(sampleValue(again, 'orchestra_schedule_last_success_timestamp_seconds', { schedule: 'outbox-relay' })).toBe(relayBefore);
  } finally {
    await cached.close();
    await fresh.close();
    await reconcileSchedules(h.temporal, taskQueue, []);
  }
});

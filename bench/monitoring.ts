/**
 * One monitoring run over 10,000 objects on 4 sandboxed servers (issue 11): the disk of 10,000 system users, 2,500
 * homes on each of 4 sshd hosts (routes split the accounts between them). Measured in the same run:
 *
 * - **end to end**: `monitorNow` until its workflow ends (plan, four scripts over SSH in parallel, storing, usage),
 *   wall time and SQL statements;
 * - the same steps in-process, timed one by one: plan (objects, routes, scripts), the SSH part (the four scripts,
 *   `du` of 2,500 homes each), the **storing part** (parse + store the 10,000 samples, `storeSamples`) and the usage
 *   update (`computeUsage`);
 * - **baseline**: a bulk INSERT of the same 10,000 samples (one multi-row INSERT … VALUES statement, parameters
 *   bound), right after the storing part. Goal: storing ≤ 2× the baseline.
 *
 * The 10,000 SystemUser rows are inserted with one SQL statement and their homes made on the hosts with one command
 * each (what is measured is monitoring, not account creation).
 *
 *   node_modules/.bin/node --import ./scripts/register.js bench/monitoring.ts [--n=10000] [--runs=3]
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MonitorRun } from '../src/entities/resources/monitor-run.js';
import { Resource } from '../src/entities/resources/resource.js';
import { endpointOf } from '../src/orchestration/server-access.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { parseMonitorOutput } from '../src/resources/monitor-output.js';
import { planMonitorRun } from '../src/resources/plan-monitor-run.js';
import { storeSamples } from '../src/resources/store-samples.js';
import { computeUsage } from '../src/resources/usage.js';
import { Server } from '../src/entities/orchestration/server.js';
import type { MonitoringOutcome } from '../src/workflows/contracts/resources.js';
import { CreateResourceDocument, MonitorNowDocument } from '../tests/generated/graphql.js';
import { accountWithUser } from '../tests/support/fixtures.js';
import { startOrchestraHarness } from '../tests/support/orchestra-harness.js';
import startTestServices from '../tests/setup/test-services.js';
import stopTestServices from '../tests/setup/test-services-stop.js';

function flag(name: string): string | undefined {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}
const N = Number(flag('n') ?? 10_000);
const RUNS = Number(flag('runs') ?? 3);
const HOSTS = ['mon1', 'mon2', 'mon3', 'mon4'];
const PER_HOST = Math.ceil(N / HOSTS.length);
const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const load = () => loadavg()[0]!.toFixed(2);
const ms = (x: number) => x.toFixed(0);

await startTestServices();
const h = await startOrchestraHarness(HOSTS);
try {
  for (const [i, host] of HOSTS.entries()) await h.addServer(host, ['system-users'], `account.username == "bench${i}"`);
  await h.startWorker();
  const accounts: string[] = [];
  for (const [i] of HOSTS.entries()) accounts.push(idOf('Account', (await accountWithUser(h.admin, `bench${i}`)).account.id));
  await h.settle({}, HOSTS.length, 180_000);
  const em = () => h.orm.em.fork();
  const conn = () => h.orm.em.getConnection();

  // The users, 2,500 per account (so per host), straight into the table; their homes with a file each on the hosts.
  for (const [i, accountId] of accounts.entries()) {
    await conn().execute(
      `insert into "system_user" (created_at, updated_at, account_id, username, home, shell, groups, is_active, is_main)
       select now(), now(), ?, 'b${i}u' || n, '', '/dev/null', '{}', true, false from generate_series(1, ?) n`,
      [accountId, PER_HOST],
    );
    await h.hosts[HOSTS[i]!]!.sandbox.exec([
      'bash', '-c', `for n in $(seq 1 ${PER_HOST}); do mkdir -p /home/b${i}u$n && head -c $((n % 4096)) /dev/zero > /home/b${i}u$n/data; done`,
    ]);
  }
  log(`${N} system users and their homes made on ${HOSTS.length} hosts; load ${load()} on ${cpus().length} cores`);

  const created = await h.admin.data(CreateResourceDocument, {
    input: { name: 'disk', model: 'SystemUser', aggregation: 'LAST', unit: 'B', monitors: ['system-user-disk'] },
  });
  const resourceGid = created.createResource.resource!.id;
  const resource = await em().findOneOrFail(Resource, { name: 'disk', model: 'SystemUser' });

  const results: Record<string, number[]> = {};
  const note = (key: string, value: number) => (results[key] ??= []).push(value);

  for (let r = 0; r < RUNS; r++) {
    // 1. End to end through the API and Temporal.
    let sql = h.sqlCount();
    let t = performance.now();
    const started = await h.admin.data(MonitorNowDocument, { resourceId: resourceGid });
    const outcome = (await h.temporal.workflow.getHandle(started.monitorNow.run!.workflowId!).result()) as MonitoringOutcome;
    note('end to end ms', performance.now() - t);
    note('end to end SQL', h.sqlCount() - sql);
    const stored = outcome.runs.reduce((s, x) => s + x.stored, 0);
    // The accounts' main users are measured too.
    if (stored !== N + HOSTS.length) throw new Error(`end to end stored ${stored} samples (${outcome.runs.map((x) => x.state).join(',')})`);

    // 2. The same steps in-process, one by one.
    sql = h.sqlCount();
    t = performance.now();
    const planned = await planMonitorRun(em(), resource);
    note('plan ms', performance.now() - t);
    note('plan SQL', h.sqlCount() - sql);
    const runs = await em().find(MonitorRun, { id: { $in: planned.runIds } }, { populate: ['server'] });
    t = performance.now();
    const outputs = await Promise.all(
      runs.map((run) => h.runner.run(endpointOf(run.server.getEntity() as Server), run.script, { timeoutMs: 30 * 60_000, maxOutputBytes: 64 << 20 })),
    );
    note('SSH ms', performance.now() - t);
    const parsed = runs.map((run, i) => parseMonitorOutput(outputs[i]!.stdout, new Set(run.objectIds)));
    const at = new Date();
    sql = h.sqlCount();
    t = performance.now();
    let count = 0;
    for (const [i, run] of runs.entries()) {
      count += await storeSamples(em(), { monitor: 'system-user-disk', model: 'SystemUser', runId: run.id, at, counter: false }, parsed[i]!.values);
    }
    note('store ms', performance.now() - t);
    note('store SQL', h.sqlCount() - sql);
    // Baseline: the same samples, one multi-row INSERT with bound parameters.
    const rows = runs.flatMap((run, i) => [...parsed[i]!.values].map(([id, v]) => [run.id, id, v] as const));
    const placeholders = rows.map(() => `('system-user-disk', 'SystemUser', ?, ?, ?, ?, null)`).join(', ');
    const params = rows.flatMap(([runId, id, v]) => [id, runId, at, v]);
    sql = h.sqlCount();
    t = performance.now();
    await conn().execute(`insert into monitor_data (monitor, model, object_id, run_id, created_at, value, state) values ${placeholders}`, params);
    note('bulk INSERT ms', performance.now() - t);
    note('bulk INSERT SQL', h.sqlCount() - sql);
    sql = h.sqlCount();
    t = performance.now();
    const usage = await computeUsage(em(), resource);
    note('usage ms', performance.now() - t);
    note('usage SQL', h.sqlCount() - sql);
    log(`run ${r + 1}: ${count} samples stored (${rows.length} in the baseline), usage of ${usage.objects} objects; load ${load()}`);
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const lines = [
    `| step (${N} objects, ${HOSTS.length} servers, median of ${RUNS}) | ms | SQL statements |`,
    '|---|---:|---:|',
    ...['end to end', 'plan', 'SSH', 'store', 'bulk INSERT', 'usage'].map((k) => `| ${k} | ${ms(median(results[`${k} ms`]!))} | ${results[`${k} SQL`] ? median(results[`${k} SQL`]!) : ''} |`),
    '',
    `storing / bulk INSERT: ${(median(results['store ms']!) / median(results['bulk INSERT ms']!)).toFixed(2)}× (per run: ${results['store ms']!.map((s, i) => (s / results['bulk INSERT ms']![i]!).toFixed(2)).join(', ')})`,
    `load ${load()} on ${cpus().length} cores`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await h.stopWorker();
  await h.close();
  await stopTestServices();
}

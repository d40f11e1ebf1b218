// Orchestration throughput: 1,000 changes spread over 4 loopback servers, time until all SUCCESS, against a naive baseline
// of one new SSH connection and one workflow per operation, measured in the same run.
//   node_modules/.bin/node --import ./scripts/register.js bench/orchestration-throughput.ts [--changes=1000] [--quick] [--parallel-naive]
// Rows:
//   engine            4 GraphQL clients, one per server, each updating its own user's crontab 250 times in a row (each
//                     change its own transaction: one batch, one operation, one script); the clock runs from the first
//                     request to the last operation's SUCCESS committed in the database (trigger + LISTEN)
//   naive, ordered    the very scripts the engine stored, replayed: per operation one bare workflow whose activity opens
//                     a NEW ssh2 connection (a new SshPool, closed after) and runs the script; one at a time per server,
//                     i.e. the engine's own concurrency and order guarantee (4 in flight)
//   naive, 8/server   (--parallel-naive) the same with 8 in flight per server (32 in all; the pool's channel limit), no
//                     order guarantee
//   piped floor       the same stored scripts, per host ONE exec on the engine's warm connection running them all in
//                     order (bench/piped-floor.ts): what the hosts can do
//   Ansible batch     (unless --no-ansible) the same changes as one batch playbook, pipelining + ControlPersist +
//                     forks 8, strategy linear, then free (bench/ansible-contender.ts, bench/ansible/); ansible-core
//                     is installed from PyPI into .tools/ansible-venv by the first run
// Before the piped floor and each Ansible run every host's crontab is removed; after each, every host must be exactly
// as the engine left it (its user's passwd entry and whole crontab, compared as text).
// Also printed: CPU per operation of every process involved (this one: API, worker, clients; Temporal; PostgreSQL; sshd
// and the scripts), because on a shared 2-core machine the throughput is bounded by CPU.
// Needs root (host sandboxes), like the tests. Starts and stops its own PostgreSQL, Temporal dev server and sshd hosts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { UpdateCrontabDocument } from '../tests/generated/graphql.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { crontabsBackend, renderCrontabLines } from '../src/orchestration/backends/crontabs/crontabs.backend.js';
import { runAnsibleContender, type AnsibleHostChanges } from './ansible-contender.js';
import { runPipedFloor } from './piped-floor.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import {
  claimedCount,
  claimedRun, cpuDelta, cpuSnapshot, flag, idArg, machineLoad, mean, ms, now, pct, ratio, startBenchEnv, table, wrapLikeEngine, type BenchEnv, type BenchTarget,
} from './orchestration-common.js';

interface Row {
  path: string;
  ops: number;
  seconds: number;
  /** CPU seconds of every component (this process, Temporal, PostgreSQL, sshd and the scripts). */
  cpu: number;
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await job(items[next++]);
    }),
  );
}

/**
 * `apiUrl`: send the changes to this GraphQL endpoint (API processes of their own) from a clients process, instead
 * of the harness's API in this process.
 */
export async function throughputBench(env: BenchEnv, changes: number, naiveParallel = false, opts: { apiUrl?: string } = {}): Promise<string> {
  const { h, targets } = env;
  const perTarget = Math.floor(changes / targets.length);
  const total = perTarget * targets.length;
  const loadBefore = machineLoad();
  const rows: Row[] = [];
  const notes: string[] = [];

  // --- the engine -------------------------------------------------------------------------------------------------
  const em = h.orm.em.fork();
  const lastRunBefore = (await em.find(ScriptRun, { id: { $gt: '0' } }, { orderBy: { id: 'desc' }, limit: 1 }))[0]?.id ?? '0';
  const fromFinal = env.finals.length;
  const fromActivity = env.activities.length;
  const requestMs: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpu = cpuSnapshot();
  const t0 = now();
  if (opts.apiUrl || flag('clients-process')) requestMs.push(...(await clientsInAProcess(env, perTarget, { url: opts.apiUrl })));
  else {
    await Promise.all(
      targets.map(async (target) => {
        for (let i = 1; i <= perTarget; i++) {
          const t = now();
          const result = await h.admin.data(UpdateCrontabDocument, { input: { id: target.crontabGlobalId, command: `echo ${target.username}-tp-${i}` } });
          requestMs.push(now() - t);
          if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
        }
      }),
    );
  }
  const committedAt = now();
  await env.finalsReached(fromFinal, total, 10 * 60_000);
  loop.disable();
  const engineCpu = cpuDelta(cpu, (cpu = cpuSnapshot()));
  const done = env.finals.slice(fromFinal, fromFinal + total);
  const tEnd = Math.max(...done.map((e) => e.t));
  const engineSeconds = (tEnd - t0) / 1000;
  const failed = done.filter((e) => e.state !== RunState.SUCCESS);
  if (failed.length) throw new Error(`${failed.length} runs did not succeed, e.g. run ${failed[0].runId}: ${failed[0].state}`);
  const runs = await h.orm.em.fork().find(ScriptRun, { id: { $gt: lastRunBefore } }, { orderBy: { id: 'asc' }, fields: ['id', 'server', 'script', 'state'] });
  if (runs.length !== total || runs.some((r) => r.state !== RunState.SUCCESS)) {
    throw new Error(`expected ${total} successful runs, the database has ${runs.length} (${runs.filter((r) => r.state === RunState.SUCCESS).length} SUCCESS)`);
  }
  await checkHosts(env, (t) => `echo ${t.username}-tp-${perTarget}`);
  rows.push({ path: `engine: ${total} GraphQL changes → all SUCCESS`, ops: total, seconds: engineSeconds, cpu: engineCpu.total });
  notes.push(
    `engine: all ${total} changes committed after ${((committedAt - t0) / 1000).toFixed(1)} s ` +
      `(${(total / ((committedAt - t0) / 1000)).toFixed(0)} commits/s through GraphQL, 4 clients ${opts.apiUrl || flag('clients-process') ? 'in a process of their own' : 'in the bench process'}, ` +
      `mutation request → response p50 ${ms(pct(requestMs, 50))} ms, p95 ${ms(pct(requestMs, 95))} ms); ` +
      `the last SUCCESS came ${((tEnd - committedAt) / 1000).toFixed(1)} s after the last commit.`,
  );
  // The activity timings come from an in-process worker only.
  if (env.activities.length > fromActivity) notes.push(queueCycle(env, fromActivity, total));
  if (!opts.apiUrl) notes.push(
    `engine: event-loop delay of the bench process (API + worker activities + GraphQL clients) p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, ` +
      `p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms.`,
  );
  notes.push(`CPU during the engine run: ${engineCpu.text}.`);

  // --- the naive baseline: the same scripts, one workflow and one new SSH connection each ----------------------------
  const byServer = new Map<string, string[]>();
  for (const run of runs) {
    const list = byServer.get(run.server.id) ?? [];
    list.push(run.script);
    byServer.set(run.server.id, list);
  }
  let fakeRunId = 910_000_000;
  const naive = async (perServer: number): Promise<number> => {
    const t = now();
    await Promise.all(
      targets.map((target) =>
        pool(byServer.get(target.serverId) ?? [], perServer, async (script) => {
          const exit = await env.benchWorkflow(target.endpoint, wrapLikeEngine(script, fakeRunId++), true);
          if (exit !== 0) throw new Error(`naive exec on ${target.host} exited ${exit}`);
        }),
      ),
    );
    return (now() - t) / 1000;
  };
  const naiveRow = async (path: string, perServer: number) => {
    const seconds = await naive(perServer);
    const used = cpuDelta(cpu, (cpu = cpuSnapshot()));
    rows.push({ path, ops: total, seconds, cpu: used.total });
    notes.push(`CPU during "${path}": ${used.text}.`);
  };
  // --- the floor and Ansible: the same changes from a host state the engine did not leave --------------------------
  const engineState = await hostState(env);
  // `runIt` returns its seconds, and the CPU seconds of processes it ran and reaped (not seen in /proc by cpuSnapshot).
  const contender = async (path: string, runIt: () => Promise<{ seconds: number; reapedCpuSeconds?: number; reapedName?: string }>) => {
    await removeCrontabs(env);
    cpu = cpuSnapshot();
    const { seconds, reapedCpuSeconds = 0, reapedName = '' } = await runIt();
    const used = cpuDelta(cpu, (cpu = cpuSnapshot()));
    await sameHostState(env, engineState, path);
    rows.push({ path, ops: total, seconds, cpu: used.total + reapedCpuSeconds });
    notes.push(`CPU during "${path}": ${reapedCpuSeconds ? `${reapedName} ${reapedCpuSeconds.toFixed(1)} s, ` : ''}${used.text}.`);
  };
  await contender('floor: all of a host\'s stored scripts piped into one warm SSH exec per host', async () => ({ seconds: await runPipedFloor(env, byServer) }));
  if (!flag('no-ansible')) {
    const changes = await crontabVersions(env, runs.map((r) => r.id));
    if (changes.some((c) => c.crontabVersions.length !== perTarget)) throw new Error(`expected ${perTarget} crontab versions per host: ${changes.map((c) => c.crontabVersions.length)}`);
    for (const strategy of ['linear', 'free'] as const) {
      await contender(`Ansible batch playbook, strategy ${strategy} (pipelining, ControlPersist, forks 8)`, async () => {
        const { seconds, controllerCpuSeconds } = await runAnsibleContender(env, changes, strategy);
        return { seconds, reapedCpuSeconds: controllerCpuSeconds, reapedName: 'ansible-playbook (controller, its forks and ssh clients)' };
      });
    }
  }

  await naiveRow(NAIVE_ORDERED, 1);
  await checkHosts(env, (t) => `echo ${t.username}-tp-${perTarget}`);
  if (naiveParallel) await naiveRow('naive, 8 per server (32 in flight, no order)', 8);

  const base = total / rows.find((r) => r.path === NAIVE_ORDERED)!.seconds;
  const out: string[] = [];
  out.push(`### Throughput: ${total} changes over ${targets.length} loopback servers (${perTarget} each), until all SUCCESS`);
  out.push('');
  out.push(
    table(
      ['path', 'ops', 'seconds', 'ops/s', 'ratio (ops/s vs naive, ordered)', 'engine vs it (its seconds / engine seconds)', 'CPU ms per op (all processes)'],
      rows.map((r) => [
        r.path,
        r.ops,
        r.seconds.toFixed(1),
        (r.ops / r.seconds).toFixed(1),
        ratio(r.ops / r.seconds, base),
        ratio(r.seconds, rows[0].seconds),
        ((1000 * r.cpu) / r.ops).toFixed(0),
      ]),
    ),
  );
  out.push('');
  for (const note of notes) out.push(`- ${note}`);
  out.push('');
  out.push(`Machine: before ${loadBefore}; after ${machineLoad()}.`);
  return out.join('\n');
}

const NAIVE_ORDERED = 'naive, ordered: workflow + new SSH connection per op, 1 per server (4 in flight)';

/** Per host: its bench user's passwd entry and whole crontab, as text. */
async function hostState(env: BenchEnv): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const target of env.targets) {
    const { stdout, code } = await env.h.hosts[target.host].sandbox.bash(`getent passwd ${target.username} && crontab -l -u ${target.username}`);
    if (code !== 0) throw new Error(`${target.host}: no passwd entry or crontab for ${target.username}`);
    state.set(target.host, stdout);
  }
  return state;
}

/** Removes every bench user's crontab, so a contender that changes nothing cannot pass the state check. */
async function removeCrontabs(env: BenchEnv): Promise<void> {
  for (const target of env.targets) {
    const { code, stderr } = await env.h.hosts[target.host].sandbox.bash(`crontab -r -u ${target.username}`);
    if (code !== 0) throw new Error(`${target.host}: crontab -r -u ${target.username}: ${stderr}`);
  }
}

async function sameHostState(env: BenchEnv, expected: Map<string, string>, path: string): Promise<void> {
  const actual = await hostState(env);
  for (const [host, text] of expected) {
    if (actual.get(host) !== text) throw new Error(`after "${path}", ${host} differs from the engine's result:\n--- engine\n${text}\n--- now\n${actual.get(host)}`);
  }
}

/** Per host, its user's crontab as each of the engine's operations (of these runs) rendered it, in commit order. */
async function crontabVersions(env: BenchEnv, runIds: string[]): Promise<AnsibleHostChanges[]> {
  const ops = await env.h.orm.em.fork().find(Operation, { run: { $in: runIds } }, { orderBy: { id: 'asc' }, fields: ['id', 'server', 'backend', 'snapshot'] });
  return env.targets.map((target) => ({
    host: target.host,
    username: target.username,
    crontabVersions: ops
      .filter((op) => op.server.id === target.serverId && op.backend === crontabsBackend.name)
      .map((op) => renderCrontabLines(crontabsBackend.parseSnapshot(op.snapshot))),
  }));
}

/** Each host's crontab for its user ends with the last change (the engine and the ordered replay keep commit order). */
export async function checkHosts(env: BenchEnv, lastCommand: (t: BenchTarget) => string): Promise<void> {
  for (const target of env.targets) {
    const { stdout } = await env.h.hosts[target.host].sandbox.bash(`crontab -l -u ${target.username}`);
    if (!stdout.includes(lastCommand(target))) throw new Error(`${target.host}: crontab of ${target.username} does not end at the last change:\n${stdout}`);
  }
}

/** Where a server queue's time goes per script during the engine run (from the activity interceptor). */
function queueCycle(env: BenchEnv, fromActivity: number, total: number): string {
  const acts = env.activities.slice(fromActivity);
  // Each queue's claims (by workflow id) and the runScript activities of the runs it claimed, in time order.
  const queueOfRun = new Map<string, string>();
  for (const a of acts) {
    const run = claimedRun(a);
    if (run) queueOfRun.set(run, a.workflowId);
  }
  const perQueue = new Map<string, typeof acts>();
  for (const a of acts) {
    const queue = a.type === 'claimNextRun' ? a.workflowId : a.type === 'runScript' ? queueOfRun.get(idArg(a) ?? '') : undefined;
    if (!queue) continue;
    perQueue.set(queue, [...(perQueue.get(queue) ?? []), a]);
  }
  const cycles: number[] = [];
  const gapToScript: number[] = [];
  const gapToClaim: number[] = [];
  for (const list of perQueue.values()) {
    list.sort((a, b) => a.start - b.start);
    const claims = list.filter((a) => claimedRun(a));
    for (let i = 1; i < claims.length; i++) cycles.push(claims[i].start - claims[i - 1].start);
    for (let i = 1; i < list.length; i++) {
      const [prev, cur] = [list[i - 1], list[i]];
      if (prev.type === 'claimNextRun' && cur.type === 'runScript') gapToScript.push(cur.start - prev.end);
      if (prev.type === 'runScript' && cur.type === 'claimNextRun') gapToClaim.push(cur.start - prev.end);
    }
  }
  const span = (type: string) => acts.filter((a) => a.type === type).map((a) => a.end - a.start);
  const claimSizes = acts.filter((a) => claimedRun(a)).map(claimedCount);
  const sshMs = env.ssh.slice(Math.max(0, env.ssh.length - total)).map((s) => s.end - s.start);
  return (
    `engine, per claim on a server queue (${claimSizes.length} claims, ${ms(mean(claimSizes))} scripts each on average, max ${Math.max(0, ...claimSizes)}): ` +
    `claim-to-claim cycle p50 ${ms(pct(cycles, 50))} ms (mean ${ms(mean(cycles))}); ` +
    `runScript activity p50 ${ms(pct(span('runScript'), 50))} ms (SSH exec p50 ${ms(pct(sshMs, 50))} ms), claimNextRun p50 ${ms(pct(span('claimNextRun'), 50))} ms, ` +
    `claim end → runScript start p50 ${ms(pct(gapToScript, 50))} ms (start child workflow, its first task), ` +
    `runScript end → next claim start p50 ${ms(pct(gapToClaim, 50))} ms (child completes, queue workflow task).`
  );
}

/**
 * The same requests from bench/clients-process.ts in a child process (to `url`, the harness's API by default; crontab
 * commands `echo <user>-<label>-<i>`, label `tp` by default); returns each request's milliseconds.
 */
export async function clientsInAProcess(env: BenchEnv, perTarget: number, opts: { url?: string; label?: string } = {}): Promise<number[]> {
  const job = {
    url: opts.url ?? env.h.admin.url,
    token: env.h.admin.token,
    targets: env.targets.map((t) => ({ crontabId: t.crontabGlobalId, username: t.username })),
    perTarget,
    label: opts.label,
  };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', './scripts/register.js', 'bench/clients-process.ts', JSON.stringify(job)], {
    maxBuffer: 16 << 20,
  });
  return (JSON.parse(stdout) as { requestMs: number[] }).requestMs;
}

export function throughputChanges(): number {
  const n = flag('changes');
  if (typeof n === 'string') return Number(n);
  return flag('quick') ? 200 : 1000;
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  const env = await startBenchEnv();
  try {
    console.log(await throughputBench(env, throughputChanges(), !!flag('parallel-naive')));
  } finally {
    await env.close();
  }
}

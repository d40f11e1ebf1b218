// The worker alone (issue 17): a backlog committed with the engine's worker stopped, then the worker started and timed
// until every run is SUCCESS, against the piped floor on the same hosts in the same run.
//   node_modules/.bin/node --import ./scripts/register.js bench/orchestration-drain.ts [--changes=200] [--rounds=1]
// Per round:
//   commit    4 GraphQL clients (a process of their own), one per server, each updating its own user's crontab
//             changes/4 times in a row, while no worker runs: the outbox, the server queues' signals and the runs wait
//   drain     the engine's worker starts (its creation is not timed); the clock and the CPU counters run from then to
//             the last operation's SUCCESS committed in the database (trigger + LISTEN)
//   floor     the same stored scripts, per host ONE exec on the engine's warm connection running them all in order
//             (bench/piped-floor.ts), from a host state the engine did not leave; the hosts must end up identical
// Printed: drain seconds vs the floor's; CPU ms per change by process (this process is the worker during the drain:
// the API was idle); Temporal workflow tasks and activities per claim, counted from every workflow's history in the
// drain window.
// Needs root (host sandboxes), like the tests. Starts and stops its own PostgreSQL, Temporal dev server and sshd hosts.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { runPipedFloor } from './piped-floor.js';
import { checkHosts, clientsInAProcess } from './orchestration-throughput.js';
import { claimedCount, cpuDelta, cpuSnapshot, flag, machineLoad, mean, now, pct, startBenchEnv, table, type BenchEnv } from './orchestration-common.js';

interface Round {
  drainSeconds: number;
  floorSeconds: number;
  drainCpu: Map<string, number>;
  floorCpuMs: number;
  claims: number[];
  workflowTasks: number;
  activities: Map<string, number>;
  /** Per section: its begin → end marker (ms), and the previous section's end → its begin on the same server. */
  sectionMs: number[];
  gapMs: number[];
}

/** Seconds of a Temporal history event's time. */
type EventTime = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
const epochMs = (t: EventTime) => (t ? Number(typeof t.seconds === 'object' && t.seconds ? t.seconds.toNumber() : (t.seconds ?? 0)) * 1000 + (t.nanos ?? 0) / 1e6 : 0);

/** Workflow tasks completed and activities scheduled (by type), over every workflow, between two wall-clock times. */
async function temporalWork(env: BenchEnv, fromMs: number, toMs: number): Promise<{ workflowTasks: number; activities: Map<string, number> }> {
  let workflowTasks = 0;
  const activities = new Map<string, number>();
  for await (const wf of env.h.temporal.workflow.list()) {
    if (wf.closeTime && wf.closeTime.getTime() < fromMs) continue;
    const events = (await env.h.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()).events ?? [];
    for (const event of events) {
      const at = epochMs(event.eventTime as EventTime);
      if (at < fromMs || at > toMs) continue;
      if (event.workflowTaskCompletedEventAttributes) workflowTasks++;
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) activities.set(type, (activities.get(type) ?? 0) + 1);
    }
  }
  return { workflowTasks, activities };
}

async function drainRound(env: BenchEnv, perTarget: number, round: number): Promise<Round> {
  const { h, targets } = env;
  const total = perTarget * targets.length;
  const label = `dr${round}`;
  const em = h.orm.em.fork();
  const lastRunBefore = (await em.find(ScriptRun, { id: { $gt: '0' } }, { orderBy: { id: 'desc' }, limit: 1 }))[0]?.id ?? '0';

  await env.pauseEngineWorker();
  await clientsInAProcess(env, perTarget, { label });
  const fromFinal = env.finals.length;
  const fromActivity = env.activities.length;
  await env.resumeEngineWorker();
  const cpu = cpuSnapshot();
  const t0 = now();
  const wall0 = Date.now();
  await env.finalsReached(fromFinal, total, 10 * 60_000);
  const drainCpu = new Map([...cpuSnapshot()].map(([name, v]) => [name, v - (cpu.get(name) ?? 0)]));
  const done = env.finals.slice(fromFinal, fromFinal + total);
  const drainSeconds = (Math.max(...done.map((e) => e.t)) - t0) / 1000;
  const wall1 = Date.now();
  const failed = done.filter((e) => e.state !== RunState.SUCCESS);
  if (failed.length) throw new Error(`${failed.length} runs did not succeed, e.g. run ${failed[0].runId}: ${failed[0].state}`);
  await checkHosts(env, (t) => `echo ${t.username}-${label}-${perTarget}`);
  const claims = env.activities.slice(fromActivity).filter((a) => a.type === 'claimNextRun').map(claimedCount).filter((n) => n > 0);
  const { workflowTasks, activities } = await temporalWork(env, wall0, wall1);

  const runs = await em.find(ScriptRun, { id: { $gt: lastRunBefore } }, { orderBy: { id: 'asc' }, fields: ['id', 'server', 'script', 'startedAt', 'finishedAt'] });
  if (runs.length !== total) throw new Error(`expected ${total} runs, the database has ${runs.length}`);
  const byServer = new Map<string, string[]>();
  for (const run of runs) byServer.set(run.server.id, [...(byServer.get(run.server.id) ?? []), run.script]);
  // Times as the worker saw the markers (a run's start is its begin marker, its finish its end marker).
  const sectionMs = runs.map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime());
  const gapMs: number[] = [];
  const lastEnd = new Map<string, number>();
  for (const run of runs) {
    const previous = lastEnd.get(run.server.id);
    if (previous !== undefined) gapMs.push(run.startedAt!.getTime() - previous);
    lastEnd.set(run.server.id, run.finishedAt!.getTime());
  }
  // The floor starts from no crontab, so its end state is its own work.
  for (const t of env.targets) await env.h.hosts[t.host].sandbox.bash(`crontab -r -u ${t.username}`);
  const floorBefore = cpuSnapshot();
  const floorSeconds = await runPipedFloor(env, byServer);
  const floorCpuMs = (1000 * cpuDelta(floorBefore, cpuSnapshot()).total) / total;
  await checkHosts(env, (t) => `echo ${t.username}-${label}-${perTarget}`);
  return { drainSeconds, floorSeconds, drainCpu, floorCpuMs, claims, workflowTasks, activities, sectionMs, gapMs };
}

export async function drainBench(env: BenchEnv, changes: number, rounds: number): Promise<string> {
  const perTarget = Math.floor(changes / env.targets.length);
  const total = perTarget * env.targets.length;
  const loadBefore = machineLoad();
  const results: Round[] = [];
  for (let round = 1; round <= rounds; round++) results.push(await drainRound(env, perTarget, round));
  const perChange = (seconds: number) => ((1000 * seconds) / total).toFixed(0);
  // The same columns in every run, whatever order the processes were found in.
  const names = [...new Set(results.flatMap((r) => [...r.drainCpu].filter(([, v]) => v >= 0.05).map(([n]) => n)))].sort();
  const out = [`### Drain: ${total} changes over ${env.targets.length} servers committed with the worker stopped, then drained`, ''];
  out.push(
    table(
      ['round', 'drain s', 'floor s', 'drain / floor', 'CPU ms per change (all)', ...names.map((n) => `${n} ms/change`), 'floor CPU ms per change', 'claims (scripts each, max)', 'workflow tasks per claim', 'activities per claim', 'section begin → end p50 ms', 'end → next begin p50 ms (same server)'],
      results.map((r, i) => {
        const all = [...r.drainCpu.values()].reduce((s, v) => s + v, 0);
        const acts = [...r.activities.values()].reduce((s, v) => s + v, 0);
        return [
          i + 1,
          r.drainSeconds.toFixed(2),
          r.floorSeconds.toFixed(2),
          `${(r.drainSeconds / r.floorSeconds).toFixed(1)}×`,
          perChange(all),
          ...names.map((n) => perChange(r.drainCpu.get(n) ?? 0)),
          r.floorCpuMs.toFixed(0),
          `${r.claims.length} (${mean(r.claims).toFixed(1)}, ${Math.max(...r.claims)})`,
          (r.workflowTasks / r.claims.length).toFixed(2),
          `${(acts / r.claims.length).toFixed(2)} (${[...r.activities].map(([t, n]) => `${t} ${n}`).join(', ')})`,
          pct(r.sectionMs, 50),
          pct(r.gapMs, 50),
        ];
      }),
    ),
  );
  out.push('', `Machine: before ${loadBefore}; after ${machineLoad()}.`);
  return out.join('\n');
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  const env = await startBenchEnv();
  try {
    const changes = typeof flag('changes') === 'string' ? Number(flag('changes')) : 200;
    const rounds = typeof flag('rounds') === 'string' ? Number(flag('rounds')) : 1;
    console.log(await drainBench(env, changes, rounds));
  } finally {
    await env.close();
  }
}

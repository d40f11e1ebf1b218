// Orchestration latency: change committed → operation SUCCESS, against two floors measured in the same run.
//   node_modules/.bin/node --import ./scripts/register.js bench/orchestration-latency.ts [--n=30] [--quick]
// Rows:
//   engine                 UpdateCrontab through GraphQL (one operation, one script on one loopback sshd host), from the
//                          mutation's HTTP response to SUCCESS committed in the database (trigger + LISTEN, no polling)
//   bare workflow + exec   one workflow with one activity doing SshPool.run of the same wrapped script on the same warm
//                          pooled connection, from workflow start to result (bench/orchestration-workflows.ts); it
//                          includes the workflow task after the activity and the result, which the engine row does not
//                          (SUCCESS is committed inside the engine's activity)
//   raw exec (warm)        SshPool.run of the same wrapped script on the warm pooled connection, directly
// The three run interleaved (engine, bare, raw, engine, …) so load changes hit them alike; every run really rewrites the
// crontab (the floors replay the scripts the engine stored, alternating versions, so no run finds nothing to do).
// A breakdown of the engine's path follows, from an activity interceptor and a timing wrapper around the SSH runner.
// Needs root (host sandboxes), like the tests. Starts and stops its own PostgreSQL, Temporal dev server and sshd hosts.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { temporal } from '@temporalio/proto';
import { UpdateCrontabDocument } from '../tests/generated/graphql.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import {
  claimedRun, flag, idArg, machineLoad, mean, ms, now, pct, ratio, startBenchEnv, table, wrapLikeEngine, type BenchEnv, type FinalEvent,
} from './orchestration-common.js';

const WARMUP = 3;

function within<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs).unref())]);
}

interface EngineSample {
  runId: string;
  batchId: string;
  tReq: number;
  tResp: number;
  tDone: number;
}

export async function latencyBench(env: BenchEnv, n: number): Promise<string> {
  const { h } = env;
  const target = env.targets[0];
  const loadBefore = machineLoad();
  const engine: EngineSample[] = [];
  const bare: number[] = [];
  const raw: number[] = [];
  const stored = (runId: string) => h.orm.em.fork().findOneOrFail(ScriptRun, { id: runId });
  let previous: string | null = null;
  let fakeRunId = 900_000_000;
  const t0 = now();

  for (let i = 0; i < WARMUP + n; i++) {
    // 1. The engine: a crontab change through GraphQL.
    const final: Promise<FinalEvent> = env.nextFinal();
    const tReq = now();
    const result = await h.admin.data(UpdateCrontabDocument, { input: { id: target.crontabGlobalId, command: `echo latency-${i}` } });
    const tResp = now();
    if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
    const event = await within(final, 60_000, `operation of change ${i}`);
    if (event.state !== RunState.SUCCESS) throw new Error(`run ${event.runId} ended ${event.state}`);
    const run = await stored(event.runId);
    const current = run.script;
    // The host now has version i. Bare replays version i-1, raw replays version i: each one changes the crontab.
    const older = previous ?? current.replace(`echo latency-${i}`, 'echo latency-warmup');
    previous = current;

    // 2. One bare workflow, one activity, the same exec on the same warm connection.
    let t = now();
    const bareExit = await env.benchWorkflow(target.endpoint, wrapLikeEngine(older, fakeRunId++), false);
    const bareMs = now() - t;
    if (bareExit !== 0) throw new Error(`bare workflow exec exited ${bareExit}`);

    // 3. The exec alone on the warm pooled connection.
    t = now();
    const rawResult = await h.runner.run(target.endpoint, wrapLikeEngine(current, fakeRunId++), { timeoutMs: 60_000 });
    const rawMs = now() - t;
    if (rawResult.exitCode !== 0) throw new Error(`raw exec exited ${rawResult.exitCode}: ${rawResult.stderr}`);

    if (i < WARMUP) continue;
    engine.push({ runId: event.runId, batchId: run.batch.id, tReq, tResp, tDone: event.t });
    bare.push(bareMs);
    raw.push(rawMs);
  }
  const wall = (now() - t0) / 1000;
  const loadAfter = machineLoad();

  const e2e = engine.map((s) => s.tDone - s.tResp);
  const request = engine.map((s) => s.tResp - s.tReq);
  const base = pct(raw, 50);
  const bareBase = pct(bare, 50);
  const out: string[] = [];
  out.push(`### Latency: change committed → SUCCESS, ${n} sequential changes (after ${WARMUP} warm-up), one loopback sshd host, ms`);
  out.push('');
  out.push(
    table(
      ['path', 'p50 ms', 'p95 ms', 'mean ms', 'ratio (p50 vs raw exec)', 'ratio (p50 vs bare workflow)'],
      [
        ['engine: mutation response → operation SUCCESS', ms(pct(e2e, 50)), ms(pct(e2e, 95)), ms(mean(e2e)), ratio(pct(e2e, 50), base), ratio(pct(e2e, 50), bareBase)],
        ['floor: bare workflow, 1 activity, same exec (warm)', ms(bareBase), ms(pct(bare, 95)), ms(mean(bare)), ratio(bareBase, base), ratio(bareBase, bareBase)],
        ['floor: raw exec, SshPool.run (warm)', ms(base), ms(pct(raw, 95)), ms(mean(raw)), ratio(base, base), ratio(base, bareBase)],
        ['(not in the above) the mutation itself: request → response', ms(pct(request, 50)), ms(pct(request, 95)), ms(mean(request)), '', ''],
      ],
    ),
  );
  out.push('');
  out.push(breakdown(env, engine, n) ?? '(breakdown unavailable: missing activity timings)');
  out.push('');
  out.push(await childStartBreakdown(env, engine));
  out.push('');
  out.push(`Wall time ${wall.toFixed(1)} s. Machine: before ${loadBefore}; after ${loadAfter}.`);
  return out.join('\n');
}

/**
 * Where the engine's time goes, per sample: a chain of checkpoints from the mutation's response to SUCCESS (activity
 * interceptor, SSH timing wrapper, the final-state trigger). Each step runs from the previous checkpoint to the next,
 * so the steps add up to the total exactly. Where two things overlap (the queue may claim before the request's wake
 * signal lands, if it was already looping), a checkpoint never goes back: its step is 0 and the overlap counts in the
 * step before.
 */
function breakdown(env: BenchEnv, samples: EngineSample[], n: number): string | null {
  const steps = [
    '1. response → claimNextRun starts (wake signal after commit, queue workflow task, activity dispatch)',
    '2. claimNextRun runs (server row, waiting scripts, their operations)',
    '3. → runScript starts (queue task: schedule runScript; before issue 17: start child, child first task)',
    '4. runScript before SSH (carrier link, load run, STARTED transaction)',
    '5. SSH exec (warm pooled connection)',
    '6. SUCCESS transaction (run + operations)',
  ];
  const rows: number[][] = steps.map(() => []);
  const queued: number[] = [];
  for (const s of samples) {
    const rs = env.activities.find((a) => a.type === 'runScript' && idArg(a) === s.runId);
    const claim = env.activities.find((a) => claimedRun(a) === s.runId);
    const sshT = rs && env.ssh.find((x) => x.start >= rs.start && x.end <= rs.end);
    if (!rs || !claim || !sshT) return null;
    const checkpoints = [s.tResp, claim.start, claim.end, rs.start, sshT.start, sshT.end, s.tDone];
    for (let i = 1; i < checkpoints.length; i++) checkpoints[i] = Math.max(checkpoints[i], checkpoints[i - 1]);
    steps.forEach((_, i) => rows[i].push(checkpoints[i + 1] - checkpoints[i]));
    queued.push(claim.start - (claim.scheduledEpochMs - performance.timeOrigin));
  }
  const total = samples.map((s) => s.tDone - s.tResp);
  const lines = [`Engine path breakdown (p50 and p95 of each step over ${n} changes; the steps add up to the total, sample by sample):`, ''];
  const tableRows = steps.map((name, i) => [name, ms(pct(rows[i], 50)), ms(pct(rows[i], 95)), `${((100 * mean(rows[i])) / mean(total)).toFixed(0)} %`]);
  tableRows.push(['total', ms(pct(total, 50)), ms(pct(total, 95)), '100 %']);
  lines.push(table(['step', 'p50 ms', 'p95 ms', 'share of mean'], tableRows));
  lines.push('', `(in step 1: claimNextRun scheduled → started on the worker, p50 ${ms(pct(queued, 50))} ms)`);
  return lines.join('\n');
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

async function historyOf(env: BenchEnv, workflowId: string, runId: string): Promise<HistoryEvent[]> {
  return (await env.h.temporal.workflow.getHandle(workflowId, runId || undefined).fetchHistory()).events ?? [];
}

/**
 * Step 3 (claimNextRun done → runScript running) split with the event times of the queue's and the run's workflow
 * histories (the Temporal dev server and this process share the machine's clock).
 */
async function childStartBreakdown(env: BenchEnv, samples: EngineSample[]): Promise<string> {
  const origin = performance.timeOrigin;
  const rows: Record<string, number[]> = {};
  const add = (name: string, value: number) => (rows[name] ??= []).push(value);
  const histories = new Map<string, HistoryEvent[]>();
  const at = (e: HistoryEvent | undefined) => (e?.eventTime ? tsToMs(e.eventTime) : NaN);
  for (const s of samples) {
    const claim = env.activities.find((a) => claimedRun(a) === s.runId);
    const rs = env.activities.find((a) => a.type === 'runScript' && idArg(a) === s.runId);
    if (!claim || !rs) return `(step 3 split unavailable for run ${s.runId}: no activity timings)`;
    // The queue execution that claimed the run (continue-as-new makes several), fetched once.
    const queueKey = `${claim.workflowId}/${claim.workflowRunId}`;
    if (!histories.has(queueKey)) histories.set(queueKey, await historyOf(env, claim.workflowId, claim.workflowRunId));
    const queue = histories.get(queueKey)!;
    const byId = new Map(queue.map((e) => [Number(e.eventId), e]));
    const initiated = queue.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId === rs.workflowId);
    const completedId = Number(initiated?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowTaskCompletedEventId ?? 0);
    const qCompleted = byId.get(completedId);
    const qStarted = byId.get(Number(qCompleted?.workflowTaskCompletedEventAttributes?.startedEventId ?? 0));
    if (rs.workflowId === claim.workflowId) {
      // runScript is an activity of the queue (issue 17): the queue's task schedules it.
      // The first runScript scheduled after its claim was (the next claim waits for that runScript).
      const scheduled = queue.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runScript' && at(e) >= claim.scheduledEpochMs);
      const qDone = byId.get(Number(scheduled?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId ?? 0));
      const qBegun = byId.get(Number(qDone?.workflowTaskCompletedEventAttributes?.startedEventId ?? 0));
      if (!scheduled || !qDone || !qBegun) return `(step 3 split unavailable for run ${s.runId}: no runScript scheduled after its claim)`;
      add('3a. claimNextRun returns → queue workflow task starts', at(qBegun) - (origin + claim.end));
      add('3b. queue workflow task on the worker (→ schedule runScript)', at(qDone) - at(qBegun));
      add('3c. → runScript starts (activity dispatch)', origin + rs.start - at(qDone));
      continue;
    }
    const child = await historyOf(env, rs.workflowId, rs.workflowRunId);
    const cStarted = child.find((e) => e.workflowExecutionStartedEventAttributes);
    const cTaskStarted = child.find((e) => e.workflowTaskStartedEventAttributes);
    const cTaskCompleted = child.find((e) => e.workflowTaskCompletedEventAttributes);
    const missing = Object.entries({ initiated, qCompleted, qStarted, cStarted, cTaskStarted, cTaskCompleted }).filter(([, v]) => !v);
    if (missing.length) return `(step 3 split unavailable for run ${s.runId}: no ${missing.map(([k]) => k).join(', ')})`;
    add('3a. claimNextRun returns → queue workflow task starts', at(qStarted) - (origin + claim.end));
    add('3b. queue workflow task on the worker (→ start child command)', at(qCompleted) - at(qStarted));
    add('3c. → child workflow execution started (server)', at(cStarted) - at(qCompleted));
    add("3d. → child's first workflow task starts", at(cTaskStarted) - at(cStarted));
    add("3e. child's first workflow task on the worker (new workflow, → schedule runScript)", at(cTaskCompleted) - at(cTaskStarted));
    add('3f. → runScript starts (activity dispatch)', origin + rs.start - at(cTaskCompleted));
  }
  const lines = ['Step 3 split by workflow history event times (ms):', ''];
  lines.push(table(['step', 'p50 ms', 'p95 ms', 'mean ms'], Object.entries(rows).map(([name, v]) => [name, ms(pct(v, 50)), ms(pct(v, 95)), ms(mean(v))])));
  return lines.join('\n');
}

export function latencyN(): number {
  const n = flag('n');
  if (typeof n === 'string') return Number(n);
  return flag('quick') ? 10 : 30;
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  const env = await startBenchEnv();
  try {
    console.log(await latencyBench(env, latencyN()));
  } finally {
    await env.close();
  }
}

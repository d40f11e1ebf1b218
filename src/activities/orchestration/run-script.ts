import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FINAL_STATES } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import type { Server } from '../../entities/orchestration/server.js';
import type { Orm } from '../../db/orm.js';
import { markRunsStarted } from '../../orchestration/run-store.js';
import { claimGroup, coalesceClaim } from '../../orchestration/claim-script.js';
import { serverHold } from '../../orchestration/server-hold.js';
import { TransportError, type ScriptRunner } from '../../orchestration/ssh/index.js';
import type { ScriptResult, ServerEndpoint } from '../../orchestration/types.js';
import { frameScript } from '../../orchestration/ssh/remote-process.js';
import { endpointOf } from '../../orchestration/server-access.js';
import type { ClaimedRun, RunOutcome } from '../../workflows/contracts/orchestration.js';
import { attemptStopped } from './attempt-stop.js';
import type { Attempt } from './claim-attempt.js';
import { ClaimExec, type Section } from './claim-exec.js';
import { endOfExec, type ExecEnd } from './end-of-exec.js';
import { ExecChain, type ExecEnded, type OpenExec } from './exec-chain.js';
import { holdInQueue } from './hold-in-queue.js';
import { runFollowingClaims } from './following-claims.js';
import { watchOperatorCancels } from './operator-cancels.js';
import { OutcomeWriter } from './outcome-writer.js';
import { saveSectionProgress } from './section-progress.js';
import { log } from '../../observability/logger.js';
import { inSshExecSpan } from '../../observability/ssh-exec-span.js';


/** How often the activity heartbeats (its whole life) and saves the output of the script running. */
const PROGRESS_INTERVAL_MS = 1000;
/** Room between the end of an activity's exec chain and its start-to-close timeout: closing it, saving, returning. */
const CHAIN_ROOM_MS = 30_000;
/**
 * Runs stored scripts of one server over SSH, one after the other in the order given (commit order), and records
 * everything: state, attempts, output as it comes, exit code, timings, the Temporal workflow that carries it. An
 * activity of the server's queue workflow (src/workflows/server-queue.ts); a bare id list is how a run workflow of
 * before issue 17 still in flight calls it.
 *
 * Outcomes: exit 0 SUCCESS, non-zero FAILURE, timeout TIMEOUT, auth problem ERROR (final, and the next script runs);
 * a transport error, or a wrapper killed on the host before it recorded an exit (a signal, no exit status), RETRYING
 * and thrown (Temporal retries; the retry skips what is final). A server whose host key is
 * not trusted, or changed, holds its scripts in the queue (RECEIVED, `lastError` says why) until an operator trusts it.
 *
 * Only an operator's cancel (its intent recorded in the database before the activity was cancelled) kills a script
 * and makes it REVOKED. Every other end of an attempt — a heartbeat or start-to-close timeout on a starved worker,
 * a worker shutting down, a cancel from the Temporal UI — only stops waiting: the script goes on to its end on the
 * server, where the run-once wrapper keeps its exit code, and the next attempt reports it instead of running it again.
 */
export function runScriptActivity(deps: { orm: Orm; runner: ScriptRunner; workerIdentity: string }) {
  return async function runScript(claim: ClaimedRun | string[]): Promise<RunOutcome[]> {
    const { runIds: scriptRunIds, requestIds, serverId } = Array.isArray(claim) ? { runIds: claim, requestIds: undefined, serverId: undefined } : claim;
    const ctx = Context.current();
    const began = Date.now();
    log.debug({ scriptRunIds, requestIds }, 'claim starting');
    // For the attempt's whole life, not only while a script runs: loading, saving and waiting for a slot count too.
    ctx.heartbeat();
    const beat = setInterval(() => ctx.heartbeat(), PROGRESS_INTERVAL_MS);
    // A claim of before following claims (no server) runs alone in its exec, with its old timeout.
    const chain = serverId ? new ExecChain(began + ctx.info.startToCloseTimeoutMs - CHAIN_ROOM_MS) : undefined;
    const attempt: Attempt = { ctx, em: deps.orm.em.fork(), runner: deps.runner, number: ctx.info.attempt, worker: deps.workerIdentity, chain };
    try {
      const outcomes = await runClaim(attempt, scriptRunIds, false);
      if (!serverId) return outcomes;
      return [...outcomes.map((outcome) => ({ ...outcome, claim: 0 })), ...(await runFollowingClaims(attempt, serverId, began, scriptRunIds.length, runClaim))];
    } finally {
      await chain?.close();
      clearInterval(beat);
    }
  };
}

/**
 * The claim's scripts, loaded in one statement, marked STARTED in one, run as sections of ONE exec
 * (src/orchestration/claim-script.ts), their outcomes recorded as they end, several per statement. A section that
 * timed out is killed with its exec; the sections after it run in a new exec.
 */
async function runClaim(a: Attempt, scriptRunIds: string[], following: boolean): Promise<RunOutcome[]> {
  const { ctx, em } = a;
  const loaded = await em.find(ScriptRun, { id: { $in: scriptRunIds } }, { populate: ['server', 'batch'], refresh: true });
  const byId = new Map(loaded.map((run) => [run.id, run]));
  const missing = scriptRunIds.find((id) => !byId.has(id));
  if (missing) throw ApplicationFailure.nonRetryable(`script run ${missing} does not exist`, 'RunNotRunnable');
  const runs = scriptRunIds.map((id) => byId.get(id)!);
  const outcomes = new Map<string, RunOutcome>();
  // Cancelled, empty, or finished by an earlier attempt: nothing to run.
  for (const run of runs) if (FINAL_STATES.includes(run.state)) outcomes.set(run.id, { scriptRunId: run.id, state: run.state });
  const result = () => runs.filter((r) => outcomes.has(r.id)).map((r) => outcomes.get(r.id)!);
  let pending = runs.filter((r) => !outcomes.has(r.id));
  if (pending.length === 0) return result();

  const server = pending[0].server.getEntity();
  const hold = serverHold(server);
  if (hold) return [...result(), ...(await holdInQueue(a, pending, hold))];
  // The attempt was stopped before this claim started: start nothing.
  if (ctx.cancellationSignal.aborted) throw attemptStopped(a);

  // Linked to the execution carrying them from now on (their operations' deep link): the queue's, at the run whose
  // history holds this activity.
  const execution = ctx.info.workflowExecution;
  const carrier = execution && { workflowId: execution.workflowId, workflowRunId: execution.runId };
  const started = await markRunsStarted(em, pending.map((r) => r.id), { attempt: a.number, worker: a.worker, at: new Date(), carrier });
  if (started.size < pending.length) {
    const current = await em.find(ScriptRun, { id: { $in: pending.filter((r) => !started.has(r.id)).map((r) => r.id) } }, { refresh: true, fields: ['state', 'startedByAttempt'] });
    const stale = current.find((r) => !FINAL_STATES.includes(r.state));
    // A later attempt of this activity took the scripts over while this one was starved: this one is stale.
    if (stale) throw ApplicationFailure.retryable(`attempt ${a.number} is stale: attempt ${stale.startedByAttempt} runs script run ${stale.id}`, 'AttemptSuperseded');
    for (const run of current) outcomes.set(run.id, { scriptRunId: run.id, state: run.state });
    pending = pending.filter((r) => started.has(r.id));
  }

  const writer = new OutcomeWriter(em);
  try {
    while (pending.length) {
      const ended = await execSections(a, server, pending, writer, outcomes, following);
      if (ended.held) return [...result(), ...ended.held];
      // Sections revoked before their turn have their outcome already.
      pending = pending.slice(ended.count).filter((run) => !outcomes.has(run.id));
    }
  } finally {
    await writer.drain();
  }
  return result();
}

/**
 * `runs` as sections, in order: appended to the exec the attempt keeps open when it can take them (a chain, see
 * ./exec-chain.ts), else in a new exec. Returns once every section settled, or after the section that timed out (the
 * exec was killed with it); throws what ends the attempt (an operator's cancel of the section running, a detach, a
 * transport error), after recording the sections that ended. The counts returned are of `runs`.
 */
async function execSections(a: Attempt, server: Server, runs: ScriptRun[], writer: OutcomeWriter, outcomes: Map<string, RunOutcome>, following: boolean): Promise<ExecEnd> {
  const sink = { writer, outcomes };
  const sections = runs.map((run) => ({ runId: run.id, uid: run.uid, script: run.script }));
  // The claim's own budget: every section's timeout (each is enforced by ClaimExec), and room to connect.
  const scriptsMs = runs.reduce((sum, run) => sum + run.timeoutMs, 0);
  const budgetMs = scriptsMs + 60_000;
  const first = runs[0];
  const batch = first.batch.getEntity();
  const endpoint = endpointOf(server);
  const spanFacts = { server: server.name, address: endpoint.address, backend: first.backend, scriptRunId: first.id, batchId: batch.id, traceParent: batch.traceParent };
  return await inSshExecSpan(spanFacts, async (span) => {
    let open = a.chain?.takes(server.id, scriptsMs) ?? null;
    const base = open ? open.exec.sections.length : 0;
    if (open) open.exec.append(runs, sink, frameScript(claimGroup(sections, base)));
    else {
      await a.chain?.close();
      const claim = coalesceClaim(server.id, sections, { chained: !!a.chain });
      const exec = new ClaimExec(a, server, runs, claim.nonce, sink, !!a.chain);
      // A chained exec lives until its activity's last claim; waiting for a channel and connecting keep the claim's budget.
      const timeoutMs = a.chain ? Math.max(budgetMs, a.chain.deadline - Date.now()) : budgetMs;
      open = startExec(a, endpoint, exec, claim.text, { timeoutMs, startWithinMs: budgetMs });
      a.chain?.keep(open);
    }
    const { exec } = open;
    // A following claim's runs are not the queue's to signal: their cancel intents are read on each tick instead.
    const cancels = watchOperatorCancels(a, exec, { everyTick: following });
    const progress = setInterval(() => {
      cancels.recheck();
      saveSectionProgress(a.em, exec);
    }, PROGRESS_INTERVAL_MS);
    try {
      const ended = exec.chained ? await Promise.race([exec.whenIdle().then(() => null), open.ended]) : await open.ended;
      if (!ended) {
        // Every section settled; the chained exec waits for the activity's next claim. The claim's group ran to its
        // end, as a single claim's exec that exits 0 (its sections' own exits are their runs').
        span?.setAttribute('orchestra.exit_code', 0);
        return { count: runs.length };
      }
      if ('result' in ended) span?.setAttribute('orchestra.exit_code', ended.result.exitCode ?? -1);
      const end = await settleEnded(a, server, exec, ended);
      return { ...end, count: end.count - base };
    } finally {
      clearInterval(progress);
      cancels.stop();
    }
  });
}

/** Starts `exec` on the server; what it ends with is settled by `settleEnded` (or by the chain that keeps it open). */
function startExec(a: Attempt, endpoint: ServerEndpoint, exec: ClaimExec, text: string, budget: { timeoutMs: number; startWithinMs: number }): OpenExec {
  const ended = a.runner
    .run(endpoint, text, {
      ...budget,
      signal: exec.kill.signal,
      detach: exec.detach.signal,
      maxOutputBytes: 64 * 1024,
      onOutput: (stream, chunk) => exec.demux.feed(stream, chunk),
      feed: { attach: (write, end) => exec.attach(write, end) },
    })
    .then(
      (result): ExecEnded => ({ result }),
      (error: unknown): ExecEnded => ({ error }),
    )
    .then((end) => {
      exec.ended = true;
      exec.demux.flush();
      exec.stopTimers();
      return end;
    });
  return { exec, ended };
}

/**
 * The exec ended while sections given to it were not all settled, or (a single claim's exec) once they were: what
 * that means for each of them (./end-of-exec.ts). Counts are of the exec's sections.
 */
async function settleEnded(a: Attempt, server: Server, exec: ClaimExec, ended: ExecEnded): Promise<ExecEnd> {
  let err: unknown;
  if ('result' in ended) {
    const { result } = ended;
    // The exec ended before every section did: the wrapper of the section running (or the whole exec) was killed on
    // the host (the OOM killer, a shutdown) before it recorded an exit. Like a connection lost mid-script: again.
    if (exec.lost === null && exec.settled >= exec.sections.length && result.exitCode !== null) return { count: exec.sections.length };
    const i = exec.lost ?? exec.current();
    err = new TransportError(server.id, 'running', `the run's wrapper on server ${server.name} was killed by ${result.signal ?? 'a signal'} before the script finished; it may have run partly`, { partial: sectionResult(exec.sections[i]) });
  } else err = ended.error;
  return await endOfExec(a, server, exec, exec.killedFor ? exec.killTarget : exec.current(), err);
}

function sectionResult(section: Section | undefined): ScriptResult | undefined {
  if (!section) return undefined;
  const at = (section.beganAt ?? new Date()).toISOString();
  return { exitCode: null, signal: null, stdout: section.stdout.text(), stderr: section.stderr.text(), stdoutTruncated: section.stdout.truncated, stderrTruncated: section.stderr.truncated, startedAt: at, finishedAt: new Date().toISOString() };
}

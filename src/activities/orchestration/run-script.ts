import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FINAL_STATES, RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { Server } from '../../entities/orchestration/server.js';
import type { Orm } from '../../db/orm.js';
import { saveRunProgress, setRunState } from '../../orchestration/run-store.js';
import { recordRunReport } from '../../orchestration/run-reports.js';
import { wrapRunOnce } from '../../orchestration/run-once-wrapper.js';
import { recordHostKeyChange, serverHold } from '../../orchestration/server-hold.js';
import {
  HostKeyMismatchError, HostKeyNotTrustedError, ScriptCancelledError, ScriptDetachedError, ScriptTimeoutError, SshError,
  TransportError, type ScriptRunner,
} from '../../orchestration/ssh/index.js';
import type { ScriptResult } from '../../orchestration/types.js';
import { endpointOf } from '../../orchestration/server-access.js';
import type { ClaimedRun, RunOutcome } from '../../workflows/contracts/orchestration.js';
import { whyAttemptStopped } from './attempt-stop.js';
import { currentLogContext, withLogContext } from '../../observability/log-context.js';
import { log } from '../../observability/logger.js';
import { scriptRetries, sshExecDuration } from '../../observability/metrics/process-metrics.js';
import { inSshExecSpan } from '../../observability/ssh-exec-span.js';

/** How often the activity heartbeats (its whole life) and saves the output of the script running. */
const PROGRESS_INTERVAL_MS = 1000;
/** Bound on the output kept per stream (head and tail), in the log and in the database. */
const MAX_OUTPUT_BYTES = 1 << 20;

type Em = ReturnType<Orm['em']['fork']>;

/** One attempt of the activity: who it is, for the guards that keep a stale attempt from overwriting a newer one. */
interface Attempt {
  ctx: Context;
  em: Em;
  runner: ScriptRunner;
  number: number;
  worker: string;
}

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
    const { runIds: scriptRunIds, requestIds } = Array.isArray(claim) ? { runIds: claim, requestIds: undefined } : claim;
    const ctx = Context.current();
    log.debug({ scriptRunIds, requestIds }, 'claim starting');
    // For the attempt's whole life, not only while a script runs: loading, saving and waiting for a slot count too.
    ctx.heartbeat();
    const beat = setInterval(() => ctx.heartbeat(), PROGRESS_INTERVAL_MS);
    const attempt: Attempt = { ctx, em: deps.orm.em.fork(), runner: deps.runner, number: ctx.info.attempt, worker: deps.workerIdentity };
    try {
      await noteCarrier(attempt, scriptRunIds);
      const outcomes: RunOutcome[] = [];
      for (const [i, scriptRunId] of scriptRunIds.entries()) {
        const outcome = await withLogContext({ scriptRunId }, () => runOne(attempt, scriptRunId));
        outcomes.push(outcome);
        if (outcome.held) {
          // The server is on hold: this and the following scripts wait in its queue, linked to it again.
          await attempt.em.nativeUpdate(ScriptRun, { id: { $in: scriptRunIds.slice(i) }, state: RunState.RECEIVED }, { workflowId: null, workflowRunId: null }, { filters: false });
          break;
        }
      }
      return outcomes;
    } finally {
      clearInterval(beat);
    }
  };
}

/**
 * Links the scripts to the workflow execution carrying them from now on (the deep link of their operations): their
 * server's queue, at the run (execution) whose history holds this activity.
 */
async function noteCarrier(a: Attempt, scriptRunIds: string[]): Promise<void> {
  const execution = a.ctx.info.workflowExecution;
  if (!execution) return;
  await a.em.nativeUpdate(
    ScriptRun,
    { id: { $in: scriptRunIds }, state: { $nin: [...FINAL_STATES] } },
    { workflowId: execution.workflowId, workflowRunId: execution.runId },
    { filters: false },
  );
}

async function runOne(a: Attempt, scriptRunId: string): Promise<RunOutcome> {
  const { ctx, em } = a;
  const run = await em.findOne(ScriptRun, { id: scriptRunId }, { populate: ['server', 'batch'], refresh: true });
  if (!run) throw ApplicationFailure.nonRetryable(`script run ${scriptRunId} does not exist`, 'RunNotRunnable');
  // From here every line says which request, server and backend this run serves.
  Object.assign(currentLogContext() ?? {}, { requestId: run.batch.getEntity().requestId ?? undefined, server: run.server.getEntity().name, backend: run.backend });
  // Cancelled, empty, or finished by an earlier attempt: nothing to run.
  if (FINAL_STATES.includes(run.state)) return { scriptRunId, state: run.state };
  const server = run.server.getEntity();
  const hold = serverHold(server);
  if (hold) return holdInQueue(a, run, hold);
  // The attempt was stopped between two scripts: start no other.
  if (ctx.cancellationSignal.aborted) throw attemptStopped(a);

  const now = new Date();
  const started = await setRunState(
    em,
    scriptRunId,
    RunState.STARTED,
    { attempts: a.number, startedAt: run.startedAt ?? now, heartbeatAt: now, worker: a.worker },
    { attempt: a.number },
  );
  if (!started) {
    const current = await em.findOneOrFail(ScriptRun, { id: scriptRunId }, { refresh: true });
    if (FINAL_STATES.includes(current.state)) return { scriptRunId, state: current.state };
    // A later attempt of this activity took the script over while this one was starved: this one is stale.
    throw ApplicationFailure.retryable(`attempt ${a.number} is stale: attempt ${current.attempts} runs script run ${scriptRunId}`, 'AttemptSuperseded');
  }

  // A cancellation kills the script only if an operator asked for it; anything else detaches from it.
  const kill = new AbortController();
  const detach = new AbortController();
  const onCancel = () => {
    void hasCancelIntent(em, scriptRunId).then(
      (intent) => (intent ? kill : detach).abort(),
      () => detach.abort(),
    );
  };
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  if (ctx.cancellationSignal.aborted) onCancel();

  const output = { stdout: '', stderr: '' };
  let dirty = false;
  const progress = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    void saveRunProgress(em.fork(), scriptRunId, { ...trimmed(output), heartbeatAt: new Date() }).catch(() => undefined);
  }, PROGRESS_INTERVAL_MS);
  const execStarted = process.hrtime.bigint();
  const observeExec = (outcome: string) =>
    sshExecDuration.observe({ server: server.name, backend: run.backend, outcome }, Number(process.hrtime.bigint() - execStarted) / 1e9);
  try {
    log.debug({ attempt: a.number }, 'script run starting');
    const endpoint = endpointOf(server);
    const batch = run.batch.getEntity();
    const spanFacts = { server: server.name, address: endpoint.address, backend: run.backend, scriptRunId, batchId: batch.id, traceParent: batch.traceParent };
    const result = await inSshExecSpan(spanFacts, async (span) => {
      const ran = await a.runner.run(endpoint, wrapRunOnce(scriptRunId, run.uid, run.script), {
        timeoutMs: run.timeoutMs,
        signal: kill.signal,
        detach: detach.signal,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        onOutput: (stream, chunk) => {
          output[stream] += chunk;
          if (output[stream].length > 4 * MAX_OUTPUT_BYTES) output[stream] = output[stream].slice(-2 * MAX_OUTPUT_BYTES);
          dirty = true;
        },
      });
      span?.setAttribute('orchestra.exit_code', ran.exitCode ?? -1);
      return ran;
    });
    // The wrapper always exits with a status once the script ends; a signal instead means something on the host killed
    // it (the OOM killer, a shutdown) before it recorded an exit. The script may have run partly: like a connection
    // lost mid-script, run it again (it is idempotent, and without an exit marker the wrapper runs it anew).
    if (result.exitCode === null) {
      throw new TransportError(server.id, 'running', `the run's wrapper on server ${server.name} was killed by ${result.signal ?? 'a signal'} before the script finished; it may have run partly`, { partial: result });
    }
    const state = result.exitCode === 0 ? RunState.SUCCESS : RunState.FAILURE;
    // Any attempt may write the outcome it saw: it is the script's real exit (run here, or replayed by the wrapper).
    await setRunState(em, scriptRunId, state, finished(result, null));
    // What the run reported about its objects (certificates' metadata); a failure here must not redo the script.
    await recordRunReport(em.fork(), scriptRunId, run.backend, result.stdout).catch((err: unknown) => log.warn({ err }, 'run report not stored'));
    observeExec(state);
    log.info({ state, exitCode: result.exitCode }, 'script run finished');
    return { scriptRunId, state };
  } catch (err) {
    const outcome = await recordFailure(a, run, err).catch((thrown: unknown) => {
      // Thrown: the attempt ends (RETRYING, REVOKED, stopped); Temporal decides what comes next.
      observeExec(thrown instanceof CancelledFailure ? 'CANCELLED' : 'RETRYING');
      if (thrown instanceof TransportError || (thrown instanceof ApplicationFailure && thrown.type === 'AttemptStopped')) {
        scriptRetries.inc({ server: server.name, backend: run.backend });
      }
      log.warn({ err: thrown instanceof Error ? thrown.message : String(thrown) }, 'script run attempt ended');
      throw thrown;
    });
    observeExec(outcome.state);
    log.info({ state: outcome.state, held: outcome.held }, 'script run ended without an exit code');
    return outcome;
  } finally {
    clearInterval(progress);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}

async function hasCancelIntent(em: Em, scriptRunId: string): Promise<boolean> {
  const run = await em.fork().findOne(ScriptRun, { id: scriptRunId }, { fields: ['cancelRequestedAt'], filters: false });
  return Boolean(run?.cancelRequestedAt);
}

/** The error that ends an attempt stopped by anything but an operator's cancel; the script is left to finish. */
function attemptStopped(a: Attempt): Error {
  const details = a.ctx.cancellationDetails;
  // Its workflow cancelled it (a cancelRun signal for a script that ended meanwhile, a cancel from the Temporal UI):
  // the workflow puts the scripts back in the queue (none of them is revoked).
  if (details?.cancelRequested) return new CancelledFailure(`attempt ${a.number} stopped: ${whyAttemptStopped(details)}`);
  // Timed out, unknown to Temporal or shutting down: Temporal retries (a timed-out attempt's result is dropped anyway).
  return ApplicationFailure.retryable(`attempt ${a.number} stopped: ${whyAttemptStopped(details)}`, 'AttemptStopped');
}

/**
 * The server is on hold (host key not trusted, or changed): the script waits in the queue, saying why. Nothing was
 * sent to the server, so putting it back is safe.
 */
async function holdInQueue(a: Attempt, run: ScriptRun, reason: string): Promise<RunOutcome> {
  const requeued = await setRunState(a.em, run.id, RunState.RECEIVED, { lastError: reason }, { from: [RunState.STARTED, RunState.RETRYING] });
  if (!requeued) await a.em.nativeUpdate(ScriptRun, { id: run.id, state: RunState.RECEIVED }, { lastError: reason }, { filters: false });
  return { scriptRunId: run.id, state: RunState.RECEIVED, held: true };
}

function trimmed(output: { stdout: string; stderr: string }) {
  return { stdout: output.stdout.slice(-MAX_OUTPUT_BYTES), stderr: output.stderr.slice(-MAX_OUTPUT_BYTES) };
}

function finished(result: ScriptResult, lastError: string | null) {
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    exitCode: result.exitCode,
    finishedAt: new Date(result.finishedAt),
    heartbeatAt: new Date(),
    lastError,
  };
}

/**
 * Records why the run did not finish. An operator's cancel, a stopped attempt and transport errors end the attempt
 * (thrown); a changed host key holds the script in the queue; every other failure is final for this run, and the
 * caller goes on with the next script.
 */
async function recordFailure(a: Attempt, run: ScriptRun, err: unknown): Promise<RunOutcome> {
  const { em } = a;
  const scriptRunId = run.id;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ScriptCancelledError) {
    // Only the kill signal yields this, and only with an operator's intent recorded.
    const intent = await em.fork().findOneOrFail(ScriptRun, { id: scriptRunId }, { fields: ['cancelRequestedBy'], filters: false });
    const revoked = err.result ? finished(err.result, null) : { finishedAt: new Date() };
    await setRunState(em, scriptRunId, RunState.REVOKED, { ...revoked, lastError: `cancelled by ${intent.cancelRequestedBy ?? 'an operator'}` });
    throw new CancelledFailure('cancelled by an operator');
  }
  if (err instanceof ScriptDetachedError) {
    const stopped = attemptStopped(a);
    const note = err.started ? `${stopped.message}; the script goes on on the server and the next attempt reports its outcome` : stopped.message;
    await setRunState(em, scriptRunId, RunState.RETRYING, { lastError: note, heartbeatAt: new Date() }, { attempt: a.number, from: [RunState.STARTED, RunState.RETRYING] });
    throw stopped;
  }
  if (err instanceof HostKeyMismatchError) {
    await recordHostKeyChange(em, run.server.id, err.expected, err.actual);
    a.runner.forget(run.server.id, err);
    const server = await em.fork().findOneOrFail(Server, { id: run.server.id });
    return holdInQueue(a, run, serverHold(server) ?? `${err.name}: ${message}`);
  }
  if (err instanceof HostKeyNotTrustedError) return holdInQueue(a, run, serverHold(run.server.getEntity()) ?? message);
  if (err instanceof TransportError) {
    // Temporal retries it with backoff; meanwhile operators see RETRYING and why.
    await setRunState(em, scriptRunId, RunState.RETRYING, { lastError: message, heartbeatAt: new Date() }, { attempt: a.number });
    throw err;
  }
  if (err instanceof ScriptTimeoutError) {
    await setRunState(em, scriptRunId, RunState.TIMEOUT, finished(err.result, message));
    return { scriptRunId, state: RunState.TIMEOUT };
  }
  // Authentication, our own bugs: ERROR, with the reason for the operator.
  await setRunState(em, scriptRunId, RunState.ERROR, { lastError: err instanceof SshError ? `${err.name}: ${message}` : message, finishedAt: new Date() });
  return { scriptRunId, state: RunState.ERROR };
}

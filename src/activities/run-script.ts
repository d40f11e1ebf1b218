import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FINAL_STATES, RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import type { Orm } from '../db/orm.js';
import { saveRunProgress, setRunState } from '../orchestration/run-store.js';
import { wrapRunOnce } from '../orchestration/run-once-wrapper.js';
import { ScriptCancelledError, ScriptTimeoutError, SshError, TransportError, type ScriptRunner } from '../orchestration/ssh/index.js';
import type { ScriptResult } from '../orchestration/types.js';
import { endpointOf } from '../orchestration/server-access.js';
import type { RunOutcome } from '../workflows/orchestration-types.js';

/** How often output is saved and a heartbeat sent while a script runs. */
const PROGRESS_INTERVAL_MS = 1000;
/** Bound on the output kept per stream (head and tail), in the log and in the database. */
const MAX_OUTPUT_BYTES = 1 << 20;

/**
 * Runs stored scripts of one server over SSH, one after the other in the order given (commit order), and records
 * everything: state, attempts, output as it comes, exit code, timings, the Temporal workflow that ran it. A non-zero
 * exit is FAILURE, a timeout TIMEOUT, a host-key or auth problem ERROR: final, recorded, and the next script runs. A
 * transport error is RETRYING and thrown, so Temporal retries the activity, which skips the scripts already final.
 * Cancellation kills the remote process of the script running (REVOKED); the ones after it stay RECEIVED.
 */
export function runScriptActivity(deps: { orm: Orm; runner: ScriptRunner }) {
  const runOne = runOneScript(deps);
  return async function runScript(runIds: string[]): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    for (const runId of runIds) outcomes.push(await runOne(runId));
    return outcomes;
  };
}

function runOneScript(deps: { orm: Orm; runner: ScriptRunner }) {
  return async function runOne(runId: string): Promise<RunOutcome> {
    const ctx = Context.current();
    const em = deps.orm.em.fork();
    const run = await em.findOne(ScriptRun, { id: runId }, { populate: ['server'] });
    if (!run) throw ApplicationFailure.nonRetryable(`script run ${runId} does not exist`, 'RunNotRunnable');
    // Cancelled, empty, or finished by an earlier attempt of this activity: nothing to run.
    if (FINAL_STATES.includes(run.state)) return { runId, state: run.state };
    const endpoint = endpointOf(run.server.getEntity());
    const now = new Date();
    const claimed = await setRunState(em, runId, RunState.STARTED, {
      attempts: ctx.info.attempt,
      startedAt: run.startedAt ?? now,
      heartbeatAt: now,
      workflowId: ctx.info.workflowExecution?.workflowId ?? null,
      runId: ctx.info.workflowExecution?.runId ?? null,
    });
    // Cancelled (or finished by an earlier attempt) between the read above and now: do not run it.
    if (!claimed) return { runId, state: (await em.findOneOrFail(ScriptRun, { id: runId }, { refresh: true })).state };

    const output = { stdout: '', stderr: '' };
    let dirty = false;
    const progress = setInterval(() => {
      ctx.heartbeat();
      if (!dirty) return;
      dirty = false;
      void saveRunProgress(em.fork(), runId, { ...trimmed(output), heartbeatAt: new Date() }).catch(() => undefined);
    }, PROGRESS_INTERVAL_MS);
    try {
      const result = await deps.runner.run(endpoint, wrapRunOnce(runId, run.uid, run.script), {
        timeoutMs: run.timeoutMs,
        signal: ctx.cancellationSignal,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        onOutput: (stream, chunk) => {
          output[stream] += chunk;
          if (output[stream].length > 4 * MAX_OUTPUT_BYTES) output[stream] = output[stream].slice(-2 * MAX_OUTPUT_BYTES);
          dirty = true;
        },
      });
      const state = result.exitCode === 0 ? RunState.SUCCESS : RunState.FAILURE;
      await setRunState(em, runId, state, finished(result, null));
      return { runId, state };
    } catch (err) {
      const failure = await recordFailure(em, runId, err, ctx.cancellationSignal.aborted);
      if (failure.rethrow) throw failure.error;
      return { runId, state: failure.state };
    } finally {
      clearInterval(progress);
    }
  };
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
 * Records why the run did not finish. Cancellation and transport errors go back to Temporal (`rethrow`); every other
 * failure is final for this run and recorded, and the caller goes on with the next script.
 */
async function recordFailure(
  em: ReturnType<Orm['em']['fork']>,
  runId: string,
  err: unknown,
  cancelled: boolean,
): Promise<{ rethrow: true; error: unknown } | { rethrow: false; state: RunState }> {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ScriptCancelledError || cancelled) {
    const result = err instanceof ScriptCancelledError ? err.result : undefined;
    await setRunState(em, runId, RunState.REVOKED, { ...(result ? finished(result, 'cancelled') : { finishedAt: new Date() }), lastError: 'cancelled by an operator' });
    return { rethrow: true, error: new CancelledFailure('cancelled') };
  }
  if (err instanceof TransportError) {
    // Temporal retries it with backoff; meanwhile operators see RETRYING and why.
    await setRunState(em, runId, RunState.RETRYING, { lastError: message, heartbeatAt: new Date() });
    return { rethrow: true, error: err };
  }
  if (err instanceof ScriptTimeoutError) {
    await setRunState(em, runId, RunState.TIMEOUT, finished(err.result, message));
    return { rethrow: false, state: RunState.TIMEOUT };
  }
  // Host key, authentication, our own bugs: ERROR, with the reason for the operator.
  await setRunState(em, runId, RunState.ERROR, { lastError: err instanceof SshError ? `${err.name}: ${message}` : message, finishedAt: new Date() });
  return { rethrow: false, state: RunState.ERROR };
}

import { CancelledFailure } from '@temporalio/common';
import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { Server } from '../../entities/orchestration/server.js';
import { setRunState } from '../../orchestration/run-store.js';
import { recordHostKeyChange, serverHold } from '../../orchestration/server-hold.js';
import {
  HostKeyMismatchError, HostKeyNotTrustedError, ScriptCancelledError, ScriptDetachedError, ScriptTimeoutError, SshError,
  TransportError,
} from '../../orchestration/ssh/index.js';
import type { RunOutcome } from '../../workflows/contracts/orchestration.js';
import { log } from '../../observability/logger.js';
import { scriptRetries } from '../../observability/metrics/process-metrics.js';
import { attemptStopped } from './attempt-stop.js';
import type { Attempt } from './claim-attempt.js';
import type { ClaimExec } from './claim-exec.js';
import { holdInQueue } from './hold-in-queue.js';

/** What one exec settled: how many sections from the start of those given (each has its outcome), or a hold. */
export interface ExecEnd {
  count: number;
  held?: RunOutcome[];
}

/**
 * Records why the exec ended before its sections did, for the section at `i` (running, or the next to run). A
 * section that timed out is final and the caller goes on with the next; a changed or untrusted host key holds the
 * rest in the queue; an operator's cancel, a detach and transport errors end the attempt (thrown).
 */
export async function endOfExec(a: Attempt, server: Server, exec: ClaimExec, i: number, err: unknown): Promise<ExecEnd> {
  const { sections, killedFor } = exec;
  const section = sections[i] as (typeof sections)[number] | undefined;
  // The attempt ends (thrown): Temporal decides what comes next.
  const failed = (state: RunState, thrown: Error) => {
    scriptRetries.inc({ server: server.name, backend: (section ?? sections[0]).run.backend });
    log.warn({ err: thrown.message, state }, 'script run attempt ended');
  };
  if (err instanceof ScriptCancelledError && killedFor === 'timeout' && section) {
    exec.settle(i, { state: RunState.TIMEOUT, exitCode: null, finishedAt: new Date(), lastError: `script on server ${server.id} timed out after ${section.run.timeoutMs} ms and was killed` });
    return { count: i + 1 };
  }
  if (err instanceof ScriptTimeoutError && section) {
    exec.settle(i, { state: RunState.TIMEOUT, exitCode: null, finishedAt: new Date(), lastError: err.message });
    return { count: i + 1 };
  }
  if (err instanceof ScriptCancelledError) {
    // Only the kill signal yields this, and only with an operator's intent recorded for the section running.
    if (section) {
      const intent = await a.em.fork().findOneOrFail(ScriptRun, { id: section.run.id }, { fields: ['cancelRequestedBy'], filters: false });
      exec.settle(i, { state: RunState.REVOKED, exitCode: null, finishedAt: new Date(), lastError: `cancelled by ${intent.cancelRequestedBy ?? 'an operator'}` });
    }
    throw new CancelledFailure('cancelled by an operator');
  }
  if (err instanceof ScriptDetachedError) {
    const stopped = attemptStopped(a);
    if (section) {
      const note = section.beganAt ? `${stopped.message}; the script goes on on the server and the next attempt reports its outcome` : stopped.message;
      await setRunState(a.em, section.run.id, RunState.RETRYING, { lastError: note, heartbeatAt: new Date() }, { attempt: a.number, from: [RunState.STARTED, RunState.RETRYING] });
    }
    failed(RunState.RETRYING, stopped);
    throw stopped;
  }
  const rest = sections.slice(i).map((s) => s.run);
  if (err instanceof HostKeyMismatchError) {
    await recordHostKeyChange(a.em, server.id, err.expected, err.actual);
    a.runner.forget(server.id, err);
    const now = await a.em.fork().findOneOrFail(Server, { id: server.id });
    return { count: sections.length, held: await holdInQueue(a, rest, serverHold(now) ?? `${err.name}: ${err.message}`) };
  }
  if (err instanceof HostKeyNotTrustedError) return { count: sections.length, held: await holdInQueue(a, rest, serverHold(server) ?? err.message) };
  if (err instanceof TransportError) {
    // Temporal retries it with backoff; meanwhile operators see RETRYING and why.
    if (section) await setRunState(a.em, section.run.id, RunState.RETRYING, { lastError: err.message, heartbeatAt: new Date() }, { attempt: a.number });
    failed(RunState.RETRYING, err);
    throw err;
  }
  // Authentication, our own bugs: ERROR for every section not settled, with the reason for the operator.
  const message = err instanceof Error ? err.message : String(err);
  for (let j = Math.max(0, i); j < sections.length; j++) {
    exec.settle(j, { state: RunState.ERROR, exitCode: null, finishedAt: new Date(), lastError: err instanceof SshError ? `${err.name}: ${message}` : message });
  }
  return { count: sections.length };
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FINAL_STATES, RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { Server } from '../../entities/orchestration/server.js';
import type { Orm } from '../../db/orm.js';
import { markRunsStarted, recordRunOutcomes, saveRunProgress, setRunState, type RunOutcomeRow } from '../../orchestration/run-store.js';
import { hasRunReport, recordRunReport } from '../../orchestration/run-reports.js';
import { SECTION_RUN, SECTION_SKIP, coalesceClaim } from '../../orchestration/claim-script.js';
import { SectionDemux } from '../../orchestration/section-demux.js';
import { BoundedOutput } from '../../orchestration/ssh/bounded-output.js';
import { recordHostKeyChange, serverHold } from '../../orchestration/server-hold.js';
import {
  HostKeyMismatchError, HostKeyNotTrustedError, ScriptCancelledError, ScriptDetachedError, ScriptTimeoutError, SshError,
  TransportError, type ScriptRunner,
} from '../../orchestration/ssh/index.js';
import type { ScriptResult } from '../../orchestration/types.js';
import { endpointOf } from '../../orchestration/server-access.js';
import type { ClaimedRun, RunOutcome } from '../../workflows/contracts/orchestration.js';
import { whyAttemptStopped } from './attempt-stop.js';
import { withLogContext } from '../../observability/log-context.js';
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
      return await runClaim(attempt, scriptRunIds);
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

/**
 * The claim's scripts, loaded in one statement, marked STARTED in one, run as sections of ONE exec
 * (src/orchestration/claim-script.ts), their outcomes recorded as they end, several per statement. A section that
 * timed out is killed with its exec; the sections after it run in a new exec.
 */
async function runClaim(a: Attempt, scriptRunIds: string[]): Promise<RunOutcome[]> {
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

  const started = await markRunsStarted(em, pending.map((r) => r.id), { attempt: a.number, worker: a.worker, at: new Date() });
  if (started.size < pending.length) {
    const current = await em.find(ScriptRun, { id: { $in: pending.filter((r) => !started.has(r.id)).map((r) => r.id) } }, { refresh: true, fields: ['state', 'attempts'] });
    const stale = current.find((r) => !FINAL_STATES.includes(r.state));
    // A later attempt of this activity took the scripts over while this one was starved: this one is stale.
    if (stale) throw ApplicationFailure.retryable(`attempt ${a.number} is stale: attempt ${stale.attempts} runs script run ${stale.id}`, 'AttemptSuperseded');
    for (const run of current) outcomes.set(run.id, { scriptRunId: run.id, state: run.state });
    pending = pending.filter((r) => started.has(r.id));
  }

  const writer = new OutcomeWriter(em);
  try {
    while (pending.length) {
      const ended = await execSections(a, server, pending, writer, outcomes);
      if (ended.held) return [...result(), ...ended.held];
      // Sections revoked before their turn have their outcome already.
      pending = pending.slice(ended.count).filter((run) => !outcomes.has(run.id));
    }
  } finally {
    await writer.drain();
  }
  return result();
}

/** What one exec settled: how many sections from the start of those given (each has its outcome), or a hold. */
interface ExecEnd {
  count: number;
  held?: RunOutcome[];
}

interface Section {
  run: ScriptRun;
  stdout: BoundedOutput;
  stderr: BoundedOutput;
  beganAt?: Date;
  /** Its outcome is recorded (it ended, timed out, or was revoked before its turn). */
  done?: boolean;
  /** Its start time was saved while it ran. */
  startSaved?: boolean;
  timer?: NodeJS.Timeout;
  dirty: boolean;
}

/**
 * One exec running `runs` as sections, in order. Returns once the exec ended with every section settled, or after
 * the section that timed out (the exec was killed with it); throws what ends the attempt (an operator's cancel of
 * the section running, a detach, a transport error), after recording the sections that ended.
 */
async function execSections(a: Attempt, server: Server, runs: ScriptRun[], writer: OutcomeWriter, outcomes: Map<string, RunOutcome>): Promise<ExecEnd> {
  const { ctx, em } = a;
  const claim = coalesceClaim(runs.map((run) => ({ runId: run.id, uid: run.uid, script: run.script })));
  const sections: Section[] = runs.map((run) => ({ run, stdout: new BoundedOutput(MAX_OUTPUT_BYTES), stderr: new BoundedOutput(MAX_OUTPUT_BYTES), dirty: false }));
  let running = -1;
  /** Sections the exec is past (ended or skipped), in order. */
  let settled = 0;
  /** How many "run"/"skip" words were sent: a section past them has not started and will not without its word. */
  let sent = 0;
  /** Runs an operator cancelled before their turn (REVOKED at once): told "skip" when their turn comes. */
  const revoked = new Set<string>();
  let lost: number | null = null;
  let killedFor: 'cancel' | 'timeout' | null = null;
  let killTarget = -1;
  let input: { write: (text: string) => void; end: () => void } | null = null;
  const kill = new AbortController();
  const detach = new AbortController();

  const next = (i: number) => {
    if (!input) return;
    if (i >= sections.length) return input.end();
    sent = i + 1;
    input.write(revoked.has(sections[i].run.id) ? SECTION_SKIP : SECTION_RUN);
  };
  const settle = (i: number, row: Omit<RunOutcomeRow, 'runId' | 'stdout' | 'stderr' | 'startedAt'>) => {
    const section = sections[i];
    clearTimeout(section.timer);
    if (section.done) return;
    section.done = true;
    const { run } = section;
    const out = { stdout: section.stdout.text(), stderr: section.stderr.text() };
    // A retried run keeps its first start; a first run starts when its section began, not when the claim did.
    writer.add({ runId: run.id, ...out, ...row, startedAt: run.startedAt ? null : (section.beganAt ?? null) });
    outcomes.set(run.id, { scriptRunId: run.id, state: row.state });
    if (row.state !== RunState.REVOKED) writer.report(run.id, run.backend, out.stdout);
    const seconds = section.beganAt ? (row.finishedAt.getTime() - section.beganAt.getTime()) / 1000 : 0;
    sshExecDuration.observe({ server: server.name, backend: run.backend, outcome: row.state }, seconds);
    withLogContext(runLogContext(run), () => log.info({ state: row.state, exitCode: row.exitCode }, 'script run finished'));
  };
  const demux = new SectionDemux(
    claim.nonce,
    (event) => {
      const i = event.index;
      if (event.kind === 'begin') {
        running = i;
        sections[i].beganAt = new Date();
        // Each section keeps its own timeout: past it, the exec is killed (this section TIMEOUT, the next ones run anew).
        sections[i].timer = setTimeout(() => {
          if (!killedFor) [killedFor, killTarget] = ['timeout', i];
          kill.abort();
        }, sections[i].run.timeoutMs);
        withLogContext(runLogContext(sections[i].run), () => log.debug({ attempt: a.number }, 'script run starting'));
        return;
      }
      running = -1;
      if (event.kind === 'lost') {
        lost = i;
        return;
      }
      // A skipped section was recorded REVOKED when its cancel was seen.
      if (event.kind === 'end') {
        settle(i, { state: event.exitCode === 0 ? RunState.SUCCESS : RunState.FAILURE, exitCode: event.exitCode, finishedAt: new Date(), lastError: null });
      }
      settled = i + 1;
      next(i + 1);
    },
    (i, stream, text) => {
      sections[i][stream].push(Buffer.from(text));
      sections[i].dirty = true;
    },
  );

  // A cancellation kills the section running only if an operator asked for it; a run cancelled before its section
  // began is skipped; anything else (a timeout, a shutdown, a cancel from the Temporal UI) detaches from the exec.
  let cancelSeen = false;
  const readIntents = async () => {
    const open = sections.filter((s) => !s.done).map((s) => s.run.id);
    if (!open.length) return false;
    const intents = await em.fork().find(ScriptRun, { id: { $in: open }, cancelRequestedAt: { $ne: null } }, { fields: ['cancelRequestedBy'], filters: false });
    for (const run of intents) {
      const i = sections.findIndex((s) => s.run.id === run.id);
      if (sections[i].done) continue;
      if (i < sent) {
        // Its word was sent: it runs (or is about to). Killing the exec stops it and every section after it.
        if (!killedFor) [killedFor, killTarget] = ['cancel', i];
        kill.abort();
      } else {
        revoked.add(run.id);
        settle(i, { state: RunState.REVOKED, exitCode: null, finishedAt: new Date(), lastError: `cancelled by ${run.cancelRequestedBy ?? 'an operator'}` });
      }
    }
    return intents.length > 0;
  };
  const onCancel = () => {
    cancelSeen = true;
    void readIntents().then(
      (any) => {
        // Only the queue cancels for an operator (cancelRun); a timed-out or unknown attempt must not go on.
        if (!any || !ctx.cancellationDetails?.cancelRequested) detach.abort();
      },
      () => detach.abort(),
    );
  };
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  if (ctx.cancellationSignal.aborted) onCancel();

  const progress = setInterval(() => {
    // After a first cancel the queue's scope stays cancelled: a second operator's cancel only shows in the database.
    if (cancelSeen && !kill.signal.aborted && !detach.signal.aborted) void readIntents().catch(() => undefined);
    const section = running >= 0 ? sections[running] : undefined;
    // A section still running at a tick has its start saved then (stuck operations are found by it), once.
    const start = section && !section.run.startedAt && !section.startSaved ? { startedAt: section.beganAt } : {};
    if (!section || (!section.dirty && !('startedAt' in start))) return;
    section.dirty = false;
    section.startSaved = true;
    const saved = { stdout: section.stdout.text(), stderr: section.stderr.text() };
    void saveRunProgress(em.fork(), section.run.id, { ...saved, ...start, heartbeatAt: new Date() }).catch(() => undefined);
  }, PROGRESS_INTERVAL_MS);

  const first = runs[0];
  const endpoint = endpointOf(server);
  const batch = first.batch.getEntity();
  const spanFacts = { server: server.name, address: endpoint.address, backend: first.backend, scriptRunId: first.id, batchId: batch.id, traceParent: batch.traceParent };
  // The exec's own budget: every section's timeout (each is enforced above), and room to connect.
  const timeoutMs = runs.reduce((sum, run) => sum + run.timeoutMs, 0) + 60_000;
  const current = () => (running >= 0 ? running : settled);
  try {
    const result = await inSshExecSpan(spanFacts, async (span) => {
      const ran = await a.runner.run(endpoint, claim.text, {
        timeoutMs,
        signal: kill.signal,
        detach: detach.signal,
        maxOutputBytes: 64 * 1024,
        onOutput: (stream, chunk) => demux.feed(stream, chunk),
        feed: {
          attach(write, end) {
            input = { write, end };
            next(0);
          },
        },
      });
      span?.setAttribute('orchestra.exit_code', ran.exitCode ?? -1);
      return ran;
    });
    demux.flush();
    // The exec ended before every section did: the wrapper of the section running (or the whole exec) was killed on
    // the host (the OOM killer, a shutdown) before it recorded an exit. Like a connection lost mid-script: again.
    if (lost !== null || settled < sections.length || result.exitCode === null) {
      const i = lost ?? current();
      throw new TransportError(server.id, 'running', `the run's wrapper on server ${server.name} was killed by ${result.signal ?? 'a signal'} before the script finished; it may have run partly`, { partial: sectionResult(sections[i]) });
    }
    return { count: sections.length };
  } catch (err) {
    demux.flush();
    return await endOfExec(a, server, sections, killedFor ? killTarget : current(), killedFor, err, settle);
  } finally {
    clearInterval(progress);
    for (const section of sections) clearTimeout(section.timer);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}

/**
 * Records why the exec ended before its sections did, for the section at `i` (running, or the next to run). A
 * section that timed out is final and the caller goes on with the next; a changed or untrusted host key holds the
 * rest in the queue; an operator's cancel, a detach and transport errors end the attempt (thrown).
 */
async function endOfExec(
  a: Attempt,
  server: Server,
  sections: Section[],
  i: number,
  killedFor: 'cancel' | 'timeout' | null,
  err: unknown,
  settle: (i: number, row: Omit<RunOutcomeRow, 'runId' | 'stdout' | 'stderr' | 'startedAt'>) => void,
): Promise<ExecEnd> {
  const section = sections[i] as Section | undefined;
  // The attempt ends (thrown): Temporal decides what comes next.
  const failed = (state: RunState, thrown: Error) => {
    scriptRetries.inc({ server: server.name, backend: (section ?? sections[0]).run.backend });
    log.warn({ err: thrown.message, state }, 'script run attempt ended');
  };
  if (err instanceof ScriptCancelledError && killedFor === 'timeout' && section) {
    settle(i, { state: RunState.TIMEOUT, exitCode: null, finishedAt: new Date(), lastError: `script on server ${server.id} timed out after ${section.run.timeoutMs} ms and was killed` });
    return { count: i + 1 };
  }
  if (err instanceof ScriptTimeoutError && section) {
    settle(i, { state: RunState.TIMEOUT, exitCode: null, finishedAt: new Date(), lastError: err.message });
    return { count: i + 1 };
  }
  if (err instanceof ScriptCancelledError) {
    // Only the kill signal yields this, and only with an operator's intent recorded for the section running.
    if (section) {
      const intent = await a.em.fork().findOneOrFail(ScriptRun, { id: section.run.id }, { fields: ['cancelRequestedBy'], filters: false });
      settle(i, { state: RunState.REVOKED, exitCode: null, finishedAt: new Date(), lastError: `cancelled by ${intent.cancelRequestedBy ?? 'an operator'}` });
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
    settle(j, { state: RunState.ERROR, exitCode: null, finishedAt: new Date(), lastError: err instanceof SshError ? `${err.name}: ${message}` : message });
  }
  return { count: sections.length };
}

function sectionResult(section: Section | undefined): ScriptResult | undefined {
  if (!section) return undefined;
  const at = (section.beganAt ?? new Date()).toISOString();
  return { exitCode: null, signal: null, stdout: section.stdout.text(), stderr: section.stderr.text(), stdoutTruncated: section.stdout.truncated, stderrTruncated: section.stderr.truncated, startedAt: at, finishedAt: new Date().toISOString() };
}

/** Every log line about a run says which request, server and backend it serves. */
function runLogContext(run: ScriptRun) {
  return { scriptRunId: run.id, requestId: run.batch.getEntity().requestId ?? undefined, server: run.server.getEntity().name, backend: run.backend };
}

/**
 * Outcomes written as they come, several per statement: while one write is in flight the next ones gather. What
 * the runs reported about their objects (certificates' metadata) is stored after; a failure there must not redo the
 * script.
 */
class OutcomeWriter {
  private pending: RunOutcomeRow[] = [];
  private flushing: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly reports: Promise<void>[] = [];

  constructor(private readonly em: Em) {}

  add(row: RunOutcomeRow): void {
    this.pending.push(row);
    this.flushing ??= this.flush();
  }

  report(runId: string, backend: string, stdout: string): void {
    if (!hasRunReport(backend)) return;
    this.reports.push(recordRunReport(this.em.fork(), runId, backend, stdout).catch((err: unknown) => log.warn({ err }, 'run report not stored')));
  }

  /** Waits for every outcome to be written (thrown if one could not be: the attempt is retried). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
    await Promise.all(this.reports);
    if (this.failure) throw this.failure;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length) await recordRunOutcomes(this.em, this.pending.splice(0));
    } catch (err) {
      this.failure ??= err;
    } finally {
      this.flushing = null;
    }
  }
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
 * The server is on hold (host key not trusted, or changed): the scripts wait in the queue, saying why, linked to it
 * again. Nothing was sent to the server, so putting them back is safe.
 */
async function holdInQueue(a: Attempt, runs: ScriptRun[], reason: string): Promise<RunOutcome[]> {
  for (const run of runs) {
    const requeued = await setRunState(a.em, run.id, RunState.RECEIVED, { lastError: reason }, { from: [RunState.STARTED, RunState.RETRYING] });
    if (!requeued) await a.em.nativeUpdate(ScriptRun, { id: run.id, state: RunState.RECEIVED }, { lastError: reason }, { filters: false });
  }
  await a.em.nativeUpdate(ScriptRun, { id: { $in: runs.map((r) => r.id) }, state: RunState.RECEIVED }, { workflowId: null, workflowRunId: null }, { filters: false });
  return runs.map((run, i) => ({ scriptRunId: run.id, state: RunState.RECEIVED, ...(i === 0 && { held: true }) }));
}

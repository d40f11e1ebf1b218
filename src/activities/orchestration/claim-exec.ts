import { RunState } from '../../entities/orchestration/run-state.js';
import type { ScriptRun } from '../../entities/orchestration/script-run.js';
import type { Server } from '../../entities/orchestration/server.js';
import type { RunOutcomeRow } from '../../orchestration/run-store.js';
import { GROUP_MORE, SECTION_SKIP, sectionRun } from '../../orchestration/claim-script.js';
import { SectionDemux, type SectionEvent } from '../../orchestration/section-demux.js';
import { BoundedOutput } from '../../orchestration/ssh/bounded-output.js';
import type { RunOutcome } from '../../workflows/contracts/orchestration.js';
import { withLogContext } from '../../observability/log-context.js';
import { log } from '../../observability/logger.js';
import { sshExecDuration } from '../../observability/metrics/process-metrics.js';
import type { Attempt } from './claim-attempt.js';
import type { OutcomeWriter } from './outcome-writer.js';

/** Bound on the output kept per stream (head and tail), in the log and in the database. */
const MAX_OUTPUT_BYTES = 1 << 20;

export interface Section {
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
  /** Where its outcome goes: its claim's writer and outcomes. */
  sink: ClaimSink;
}

/** A claim's outcome writer and the outcomes it returns. */
export interface ClaimSink {
  writer: OutcomeWriter;
  outcomes: Map<string, RunOutcome>;
}

/** What a section's output is replaced by once its outcome has it: a chain's exec keeps its sections for its life. */
const RELEASED = new BoundedOutput(2);

/** An outcome as a section settles it; the rest of the row (output, start) comes from the section. */
export type SectionOutcome = Omit<RunOutcomeRow, 'runId' | 'stdout' | 'stderr' | 'startedAt'>;

/**
 * One exec running a claim's runs as sections, in order (src/orchestration/claim-script.ts): which section runs, how
 * many "run"/"skip" words were sent, what each section settled to, and why the exec is being killed. Fed by the
 * exec's output (`demux`); settles each section into its claim's outcome writer as it ends.
 * A chained exec (`chained`) stays open once its sections are settled: `append` sends it a further claim's group,
 * `close` ends it. Section indexes run on across its groups.
 */
export class ClaimExec {
  readonly sections: Section[];
  /** The section running now; -1 between sections. */
  running = -1;
  /** Sections the exec is past (ended or skipped), in order. */
  settled = 0;
  /** How many "run"/"skip" words were sent: a section past them has not started and will not without its word. */
  sent = 0;
  /** Runs an operator cancelled before their turn (REVOKED at once): told "skip" when their turn comes. */
  readonly revoked = new Set<string>();
  /** The section whose wrapper was killed on the host before it recorded an exit. */
  lost: number | null = null;
  killedFor: 'cancel' | 'timeout' | null = null;
  killTarget = -1;
  readonly kill = new AbortController();
  readonly detach = new AbortController();
  readonly demux: SectionDemux;
  /** The exec has ended (its runner call settled): nothing more can be appended. */
  ended = false;
  private input: { write: (text: string) => void; end: () => void } | null = null;
  private idle: (() => void) | null = null;

  constructor(
    private readonly a: Attempt,
    readonly server: Server,
    runs: ScriptRun[],
    nonce: string,
    sink: ClaimSink,
    readonly chained = false,
  ) {
    this.sections = [];
    this.add(runs, sink);
    this.demux = new SectionDemux(nonce, (event) => this.onEvent(event), (i, stream, text) => {
      this.sections[i][stream].push(Buffer.from(text));
      this.sections[i].dirty = true;
    });
  }

  /** The exec's stdin is open: the first section gets its word. */
  attach(write: (text: string) => void, end: () => void): void {
    this.input = { write, end };
    this.next(0);
  }

  /** Sends a further claim's group (`claimGroup`, for the sections from `sections.length` on) to the idle chained exec. */
  append(runs: ScriptRun[], sink: ClaimSink, group: Buffer): void {
    if (!this.chained || this.ended || !this.input || this.settled < this.sections.length) throw new Error('the exec is not waiting for a further claim');
    const first = this.sections.length;
    this.add(runs, sink);
    this.input.write(`${GROUP_MORE}${group.toString('utf8')}`);
    this.next(first);
  }

  /** Resolves once every section given so far is settled (a chained exec then waits for `append` or `close`). */
  whenIdle(): Promise<void> {
    if (this.settled >= this.sections.length) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  /** Ends the exec's input: a chained exec waiting for a further claim finishes (its lock and output copies closed). */
  close(): void {
    this.input?.end();
  }

  /** The section running, or the next to run. */
  current(): number {
    return this.running >= 0 ? this.running : this.settled;
  }

  /** Kills the exec for the section at `i` (the first reason given wins). */
  killFor(reason: 'cancel' | 'timeout', i: number): void {
    if (!this.killedFor) [this.killedFor, this.killTarget] = [reason, i];
    this.kill.abort();
  }

  settle(i: number, row: SectionOutcome): void {
    const section = this.sections[i];
    clearTimeout(section.timer);
    if (section.done) return;
    section.done = true;
    const { run, sink } = section;
    const out = { stdout: section.stdout.text(), stderr: section.stderr.text() };
    section.stdout = section.stderr = RELEASED;
    // A retried run keeps its first start; a first run starts when its section began, not when the claim did.
    sink.writer.add({ runId: run.id, ...out, ...row, startedAt: run.startedAt ? null : (section.beganAt ?? null) });
    sink.outcomes.set(run.id, { scriptRunId: run.id, state: row.state });
    if (row.state !== RunState.REVOKED) sink.writer.report(run.id, run.backend, out.stdout);
    const seconds = section.beganAt ? (row.finishedAt.getTime() - section.beganAt.getTime()) / 1000 : 0;
    sshExecDuration.observe({ server: this.server.name, backend: run.backend, outcome: row.state }, seconds);
    withLogContext(runLogContext(run), () => log.info({ state: row.state, exitCode: row.exitCode }, 'script run finished'));
  }

  /** Stops every section's timer (the exec is over). */
  stopTimers(): void {
    for (const section of this.sections) clearTimeout(section.timer);
  }

  private add(runs: ScriptRun[], sink: ClaimSink): void {
    for (const run of runs) this.sections.push({ run, stdout: new BoundedOutput(MAX_OUTPUT_BYTES), stderr: new BoundedOutput(MAX_OUTPUT_BYTES), dirty: false, sink });
  }

  private next(i: number): void {
    if (!this.input) return;
    if (i >= this.sections.length) {
      if (!this.chained) return this.input.end();
      this.idle?.();
      this.idle = null;
      return;
    }
    this.sent = i + 1;
    const { run } = this.sections[i];
    this.input.write(this.revoked.has(run.id) ? SECTION_SKIP : sectionRun(run.script));
  }

  private onEvent(event: SectionEvent): void {
    const i = event.index;
    if (event.kind === 'begin') {
      this.running = i;
      const section = this.sections[i];
      section.beganAt = new Date();
      // Each section keeps its own timeout: past it, the exec is killed (this section TIMEOUT, the next ones run anew).
      section.timer = setTimeout(() => this.killFor('timeout', i), section.run.timeoutMs);
      withLogContext(runLogContext(section.run), () => log.debug({ attempt: this.a.number }, 'script run starting'));
      return;
    }
    this.running = -1;
    if (event.kind === 'lost') {
      this.lost = i;
      return;
    }
    // A skipped section was recorded REVOKED when its cancel was seen.
    if (event.kind === 'end') {
      this.settle(i, { state: event.exitCode === 0 ? RunState.SUCCESS : RunState.FAILURE, exitCode: event.exitCode, finishedAt: new Date(), lastError: null });
    }
    this.settled = i + 1;
    this.next(i + 1);
  }
}

/** Every log line about a run says which request, server and backend it serves. */
export function runLogContext(run: ScriptRun) {
  return { scriptRunId: run.id, requestId: run.batch.getEntity().requestId ?? undefined, server: run.server.getEntity().name, backend: run.backend };
}

import { randomBytes } from 'node:crypto';
import { RUN_STATE_DIR, runStatePrelude, wrapRunOnce } from './run-once-wrapper.js';
import { shellQuote } from './shell/quote.js';

/** One stored script of a claim, as it becomes a section of the claim's one exec. */
export interface ClaimSection {
  runId: string;
  uid: string;
  script: string;
}

/** What the worker writes on the exec's stdin before each section, one line each. */
export const SECTION_RUN = 'run\n';
export const SECTION_SKIP = 'skip\n';

export interface ClaimScript {
  text: string;
  /** Starts every marker line of this exec (random: no script's output can forge one). */
  nonce: string;
}

/**
 * A claim's scripts as ONE exec (issue 17: one SSH exec per claim instead of one per script). Each section is the
 * script under its own run-once wrapper (its lock, its exit marker: a retried attempt reports a section that already
 * ran instead of running it again), run in a subshell with stdin closed, in commit order. Around each, marker lines
 * on stdout (begin and end on stderr too: the two streams reach the worker in no fixed order between them) let the
 * worker split the output per run and read each exit code (src/orchestration/section-demux.ts):
 *   begin:<i>            the section starts (stdout and stderr)
 *   end:<i>:<exit>       it ran to completion (the wrapper recorded its exit)
 *   lost:<i>:<status>    its wrapper was killed before it recorded an exit (the OOM killer): the exec stops there
 *   skipped:<i>          the worker said "skip" (an operator cancelled that run meanwhile)
 * Before each section the exec reads one line from stdin: "run" or "skip". The worker sends the next word only once
 * the previous section ended, so a cancel of a run not started yet keeps it from starting while the section running
 * goes on; end of input (the worker detached: a lost heartbeat, a shutdown) runs no further section, and the one
 * running finishes on the server, where its wrapper keeps the exit for the next attempt.
 * Every marker line starts with a newline of its own, so output without a final newline stays intact.
 * The marker directory is made and pruned once for the whole exec (runStatePrelude), not once per section.
 */
export function coalesceClaim(sections: readonly ClaimSection[]): ClaimScript {
  const nonce = `orchestra-section-${randomBytes(12).toString('hex')}`;
  const lines = [`mark() { printf '\\n%s:%s\\n' ${shellQuote(nonce)} "$1"; }`, runStatePrelude().trimEnd()];
  sections.forEach((section, i) => {
    const wrapped = wrapRunOnce(section.runId, section.uid, section.script, { prepared: true });
    lines.push(
      `# section ${i}: run ${section.runId}`,
      'IFS= read -r go || exit 0',
      'if [ "$go" = run ]; then',
      `mark begin:${i}; mark begin:${i} >&2`,
      '(',
      wrapped.endsWith('\n') ? wrapped.slice(0, -1) : wrapped,
      ') </dev/null',
      'rc=$?',
      `if [ -e ${shellQuote(`${RUN_STATE_DIR}/${section.uid}.exit`)} ]; then mark "end:${i}:$rc"; mark "end:${i}:$rc" >&2; else mark "lost:${i}:$rc"; exit 0; fi`,
      'else',
      `mark skipped:${i}`,
      'fi',
    );
  });
  lines.push('exit 0', '');
  return { text: lines.join('\n'), nonce };
}

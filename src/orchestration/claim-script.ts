import { randomBytes } from 'node:crypto';
import { FINISH_EXEC, RUN_STATE_DIR, runOnceArgs, runOnceExec } from './run-once-wrapper.js';
import { shellQuote } from './shell/quote.js';

/** One stored script of a claim, as it becomes a section of the claim's one exec. */
export interface ClaimSection {
  runId: string;
  uid: string;
  script: string;
}

/**
 * What the worker writes on the exec's stdin when a section's turn comes: "run" with the script's length in bytes on
 * a line, then the script (read in one go by `read -N`, not a byte per system call as bash reads its own input from
 * a pipe); or "skip". A script never holds a NUL byte (bash would drop it and read past the script's end): PostgreSQL's
 * text refuses one, as does the quoting helper.
 */
export function sectionRun(script: string): string {
  return `run ${Buffer.byteLength(script, 'utf8')}\n${script}`;
}
export const SECTION_SKIP = 'skip\n';

export interface ClaimScript {
  text: string;
  /** Starts every marker line of this exec (random: no script's output can forge one). */
  nonce: string;
}

/** What the worker writes at the end of a chained exec's group when another group follows (then the group itself). */
export const GROUP_MORE = 'more\n';

/**
 * A claim's scripts as ONE exec (issue 17: one SSH exec per claim instead of one per script), for the server
 * `serverId`. Each section is the script under the run-once guarantee (src/orchestration/run-once-wrapper.ts: a
 * retried attempt reports a section that already ran instead of running it again), with stdin closed, in commit
 * order. Around each, marker lines on stdout (begin and end on stderr too: the two streams reach the worker in no
 * fixed order between them) let the worker split the output per run and read each exit code
 * (src/orchestration/section-demux.ts):
 *   begin:<i>            the section starts (stdout and stderr)
 *   end:<i>:<exit>       it ran to completion (its exit is recorded on the host)
 *   lost:<i>:<status>    its exit could not be recorded (a full disk): the exec stops there
 *   skipped:<i>          the worker said "skip" (an operator cancelled that run meanwhile)
 * Before each section the exec reads from stdin "run" and the script (`sectionRun`), or "skip". The worker sends the
 * next word only once the previous section ended, so a cancel of a run not started yet keeps it from starting while
 * the section running goes on; end of input (the worker detached: a lost heartbeat, a shutdown) runs no further
 * section, and the one running finishes on the server, where its exit is kept for the next attempt; a script cut
 * short by the end of input never runs. The exec's own text is thus a few lines per section: its scripts never go
 * through the parser of `bash -s`, which reads a pipe a byte per system call.
 * Every marker line starts with a newline of its own, so output without a final newline stays intact.
 *
 * `chained`: the exec stays open after the claim's last section for the activity's next claims (a chain, issue 17:
 * the exec's session, wrapper bash, lock and output copies paid once per activity, not per claim). It then reads one
 * more line: "more" ends this group and `bash -s` reads the next group from stdin (`claimGroup`, framed like the
 * first: parsed whole before any of it runs); anything else, or the end of input, finishes the exec.
 */
export function coalesceClaim(serverId: string, sections: readonly ClaimSection[], opts: { chained?: boolean } = {}): ClaimScript {
  const nonce = `orchestra-section-${randomBytes(12).toString('hex')}`;
  const runOnce = runOnceExec(serverId, nonce);
  const exitOf = `${shellQuote(RUN_STATE_DIR)}/"$3".exit`;
  const lines = [
    `mark() { printf '\\n%s:%s\\n' ${shellQuote(nonce)} "$1"; }`,
    runOnce.start,
    // section INDEX RUN UID: its word, then its script run under the run-once guarantee between its markers.
    'section() {',
    `  local go len; read -r go len || ${FINISH_EXEC}`,
    '  if [ "$go" = run ]; then',
    `    IFS= read -r -d '' -N "$len" script || ${FINISH_EXEC}`,
    '    mark "begin:$1"; mark "begin:$1" >&2',
    `    ${runOnce.section}`,
    `    if [ -s ${exitOf} ]; then mark "end:$1:$rc"; mark "end:$1:$rc" >&2; else mark "lost:$1:$rc"; ${FINISH_EXEC}; fi`,
    '  else mark "skipped:$1"; fi',
    '}',
    sectionLines(sections, 0, opts.chained ?? false),
  ];
  return { text: lines.join('\n'), nonce };
}

/** A further claim's group for a chained exec opened by `coalesceClaim`: its sections from `firstIndex` on. */
export function claimGroup(sections: readonly ClaimSection[], firstIndex: number): string {
  return sectionLines(sections, firstIndex, true);
}

/** One line per section (its scripts come with their words), then the group's end. */
function sectionLines(sections: readonly ClaimSection[], firstIndex: number, chained: boolean): string {
  const lines = sections.map((section, j) => `section ${runOnceArgs(firstIndex + j, section.runId, section.uid)}`);
  lines.push(chained ? `{ read -r go && [ "$go" = more ]; } || ${FINISH_EXEC}` : FINISH_EXEC, '');
  return lines.join('\n');
}

import { randomBytes } from 'node:crypto';
import { RUN_STATE_DIR, runOnceExec, type RunOnceExec } from './run-once-wrapper.js';
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
 * Before each section the exec reads one line from stdin: "run" or "skip". The worker sends the next word only once
 * the previous section ended, so a cancel of a run not started yet keeps it from starting while the section running
 * goes on; end of input (the worker detached: a lost heartbeat, a shutdown) runs no further section, and the one
 * running finishes on the server, where its exit is kept for the next attempt.
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
  const lines = [`mark() { printf '\\n%s:%s\\n' ${shellQuote(nonce)} "$1"; }`, runOnce.start, sectionLines(runOnce, sections, 0, opts.chained ?? false)];
  return { text: lines.join('\n'), nonce };
}

/** A further claim's group for a chained exec opened by `coalesceClaim` with this nonce: its sections from `firstIndex` on. */
export function claimGroup(serverId: string, nonce: string, sections: readonly ClaimSection[], firstIndex: number): string {
  return sectionLines(runOnceExec(serverId, nonce), sections, firstIndex, true);
}

function sectionLines(runOnce: RunOnceExec, sections: readonly ClaimSection[], firstIndex: number, chained: boolean): string {
  const lines: string[] = [];
  sections.forEach((section, j) => {
    const i = firstIndex + j;
    lines.push(
      `# section ${i}: run ${section.runId}`,
      `IFS= read -r go || { ${runOnce.finish}; }`,
      'if [ "$go" = run ]; then',
      `mark begin:${i}; mark begin:${i} >&2`,
      runOnce.section(i, section.runId, section.uid, section.script),
      `if [ -s ${shellQuote(`${RUN_STATE_DIR}/${section.uid}.exit`)} ]; then mark "end:${i}:$rc"; mark "end:${i}:$rc" >&2; else mark "lost:${i}:$rc"; ${runOnce.finish}; fi`,
      'else',
      `mark skipped:${i}`,
      'fi',
    );
  });
  if (chained) lines.push(`IFS= read -r go && [ "$go" = more ] || { ${runOnce.finish}; }`, '');
  else lines.push(runOnce.finish, '');
  return lines.join('\n');
}

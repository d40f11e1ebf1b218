/**
 * shellcheck on the backends' bash, installed by the test set-up (scripts/setup-test.sh, which `npm test` runs).
 *
 * Two kinds of input, two sets of settings:
 * - fragments (the .sh files below src/orchestration/backends/): pieces of scripts, checked with the settings of
 *   src/orchestration/backends/.shellcheckrc, which shellcheck finds beside them (the same as a developer running
 *   shellcheck on them by hand);
 * - whole scripts as backends render them: every check, but SC2016 ("expressions don't expand in single quotes").
 *   It does not apply to values: the quoting helper single-quotes every value precisely so that nothing in it
 *   expands (src/orchestration/shell/quote.ts), and values hold `$` (password hashes, `$6$…`) or `$(…)` and
 *   backticks (the hostile cases). The fragments, where a single-quoted `$` would be a mistake, keep SC2016.
 */
import { spawnSync } from 'node:child_process';

const SCRIPT_OPTIONS = ['--norc', '--shell=bash', '--exclude=SC2016'];

export interface ShellcheckResult {
  status: number | null;
  /** One line per finding, `file:line:column: level: message [SCxxxx]`; empty when there is none. */
  findings: string;
}

function shellcheck(args: string[], input?: string): ShellcheckResult {
  const result = spawnSync('shellcheck', ['--format=gcc', ...args], { input, encoding: 'utf8' });
  if (result.error) {
    throw new Error(`shellcheck did not run (${result.error.message}): the test set-up installs it, run bash scripts/setup-test.sh`);
  }
  return { status: result.status, findings: (result.stdout + result.stderr).trim() };
}

/** A rendered script (the file name in findings is `-`). */
export function shellcheckScript(script: string): ShellcheckResult {
  return shellcheck([...SCRIPT_OPTIONS, '-'], script);
}

/** Fragment files, with the settings found beside them. */
export function shellcheckFragment(path: string): ShellcheckResult {
  return shellcheck([path]);
}

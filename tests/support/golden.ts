/**
 * The golden scripts (tests/golden/, see its README): each file is its whole script but for the common prelude,
 * which is one marker line there and tests/golden/prelude.sh once, so a change of the prelude is one golden diff.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SCRIPT_PRELUDE } from '../../src/orchestration/backends/backend.js';

const ROOT = join(import.meta.dirname, '../..');
export const GOLDEN_DIR = join(ROOT, 'tests/golden');
export const PRELUDE_FILE = join(GOLDEN_DIR, 'prelude.sh');
/** Stands for tests/golden/prelude.sh in the other golden files, right after the first three lines. */
export const PRELUDE_MARKER = `# [the common prelude: ${relative(ROOT, PRELUDE_FILE)}]`;

/** The prelude as its golden file holds it. */
export function goldenPrelude(): string {
  return `${SCRIPT_PRELUDE.text}\n`;
}

/**
 * A rendered script as its golden file holds it: the prelude as the marker. Null when the prelude is not where
 * every script has it (after the shebang, strict mode and the line that says what the script is).
 */
export function goldenForm(script: string): string | null {
  const head = script.split('\n').slice(0, 3).join('\n') + '\n';
  if (!script.startsWith(`${head}${SCRIPT_PRELUDE.text}\n`)) return null;
  return head + PRELUDE_MARKER + script.slice(head.length + SCRIPT_PRELUDE.text.length);
}

/** The whole script of a golden file (`system-users/save.sh`): its marker read as tests/golden/prelude.sh. */
export function readGoldenScript(name: string): string {
  const prelude = readFileSync(PRELUDE_FILE, 'utf8').replace(/\n$/, '');
  return readFileSync(join(GOLDEN_DIR, name), 'utf8').replace(PRELUDE_MARKER, prelude);
}

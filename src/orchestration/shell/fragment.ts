/**
 * Bash fragments: a backend's constant bash (function definitions, fixed logic) lives in `.sh` files beside its
 * module, where shellcheck reads it (src/orchestration/backends/.shellcheckrc, tests/backends.test.ts). A fragment
 * holds no value: the operations' sections call its functions with arguments quoted by `sh` (./quote.ts).
 *
 * A module reads its fragments once, when it loads, relative to itself (`new URL('./save.sh', import.meta.url)`),
 * so they are found from any working directory and wherever src/ is copied whole (the Docker image does).
 */
import { readFileSync } from 'node:fs';
import { ShellCode } from './quote.js';

/** The code of a `.sh` fragment, without its final newline (pieces are joined with newlines). */
export function bashFragment(url: URL): ShellCode {
  return ShellCode.trusted(readFileSync(url, 'utf8').replace(/\n+$/, ''));
}

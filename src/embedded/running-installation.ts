import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `.data/` of this clone: where `npm start` keeps its data and secrets. ORCHESTRA_DATA_DIR puts them elsewhere (a
 * second installation from the same clone; bench/restart.ts, which must never touch the clone's own).
 */
export const DATA_DIR = process.env.ORCHESTRA_DATA_DIR ? resolve(process.env.ORCHESTRA_DATA_DIR) : resolve(import.meta.dirname, '../../.data');

/**
 * What a running `npm start` serves itself, so that the CLI of the same clone finds it with no configuration. Kept in
 * `.data/running.json` (0600: it holds the embedded database's URL), written when Orchestra is ready and removed when it
 * stops; a file left by a process that died is ignored.
 */
export interface RunningInstallation {
  pid: number;
  /** Only what `npm start` runs itself: a server given by DATABASE_URL or TEMPORAL_ADDRESS is not recorded. */
  databaseUrl?: string;
  temporal?: { address: string; uiUrl: string; namespace: string; taskQueue: string };
}

const fileIn = (dataDir: string) => join(dataDir, 'running.json');

/** Records this process's installation; returns what removes the record. */
export function recordRunningInstallation(dataDir: string, installation: Omit<RunningInstallation, 'pid'>): () => void {
  const file = fileIn(dataDir);
  writeFileSync(file, JSON.stringify({ pid: process.pid, ...installation }, null, 2) + '\n', { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** The installation a live `npm start` of this clone recorded, or null. */
export function findRunningInstallation(dataDir: string): RunningInstallation | null {
  let installation: RunningInstallation;
  try {
    installation = JSON.parse(readFileSync(fileIn(dataDir), 'utf8')) as RunningInstallation;
  } catch {
    return null;
  }
  return isAlive(installation.pid) ? installation : null;
}

/**
 * `env` with what `installation` serves where it says nothing: DATABASE_URL, and TEMPORAL_ADDRESS with the namespace,
 * task queue and UI of that same Temporal. A variable that is set always wins.
 */
export function withRunningInstallation(env: NodeJS.ProcessEnv, installation: RunningInstallation | null): NodeJS.ProcessEnv {
  const result = { ...env };
  if (!installation) return result;
  if (!env.DATABASE_URL && installation.databaseUrl) result.DATABASE_URL = installation.databaseUrl;
  if (!env.TEMPORAL_ADDRESS && installation.temporal) {
    result.TEMPORAL_ADDRESS = installation.temporal.address;
    result.TEMPORAL_NAMESPACE ||= installation.temporal.namespace;
    result.TEMPORAL_TASK_QUEUE ||= installation.temporal.taskQueue;
    result.TEMPORAL_UI_URL ||= installation.temporal.uiUrl;
  }
  return result;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

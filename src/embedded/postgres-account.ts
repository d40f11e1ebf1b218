import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';

/**
 * PostgreSQL refuses to run as root, so when Orchestra runs as root the embedded PostgreSQL runs as the `postgres`
 * system user. That user cannot enter a private directory (`/root` is 0700, so is a `mktemp -d`): what it needs (its
 * programs, and the data of a clone it cannot enter) is then kept under EMBEDDED_ROOT, which it can always reach.
 * Nothing the operator owns changes permissions.
 */
export const EMBEDDED_ROOT = '/var/lib/orchestra-embedded';

export interface PostgresAccount {
  uid: number;
  gid: number;
}

/** The user the embedded PostgreSQL runs as: null when not root (it runs as us); as root `postgres`, created if missing. */
export function postgresAccount(): PostgresAccount | null {
  if (process.getuid?.() !== 0) return null;
  const existing = lookUp();
  if (existing) return existing;
  try {
    // Debian's own postgresql package would make the same user, and reuses it if installed later.
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/var/lib/postgresql', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    throw new Error(`PostgreSQL cannot run as root and the user postgres could not be created: ${commandError(err)}`);
  }
  const created = lookUp();
  if (!created) throw new Error('PostgreSQL cannot run as root and the user postgres was not found after useradd');
  return created;
}

/** Whether `account` can enter `dir` (search permission on it and on every parent), asked as that user. */
export function canEnter(dir: string, account: PostgresAccount): boolean {
  return spawnSync('test', ['-x', dir], { uid: account.uid, gid: account.gid, cwd: '/', stdio: 'ignore' }).status === 0;
}

/** EMBEDDED_ROOT, made if missing; root's own directory, 0755 whatever the umask, so `postgres` can traverse it. */
export function ensureEmbeddedRoot(): string {
  mkdirSync(EMBEDDED_ROOT, { recursive: true });
  chmodSync(EMBEDDED_ROOT, 0o755);
  return EMBEDDED_ROOT;
}

function lookUp(): PostgresAccount | null {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return null;
  }
}

function commandError(err: unknown): string {
  const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (err instanceof Error ? err.message : String(err));
}

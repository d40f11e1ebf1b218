import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canEnter, ensureEmbeddedRoot, type PostgresAccount } from './postgres-account.js';

export interface PlacedDataDir {
  /** The directory PostgreSQL uses. */
  dir: string;
  /** Whether `requested` is a link to `dir` (PostgreSQL's user could not enter where it was asked for). */
  linked: boolean;
}

/**
 * Where PostgreSQL keeps the data asked for at `requested`, ready for the user it runs as.
 *
 * Run as us, or as `postgres` where that user can enter: `requested` itself (owned by that user, 0700). Where `postgres`
 * cannot enter (a clone under /root or another private directory), a directory of its own under
 * /var/lib/orchestra-embedded, named after `requested` plus a random suffix (so two clones, or a clone made again at
 * the same path, never share data), with `requested` a symbolic link to it. The link records the choice: later starts
 * follow it, also after the clone moved.
 */
export function placeDataDir(requested: string, account: PostgresAccount | null): PlacedDataDir {
  const existing = lstatOrNull(requested);
  if (existing?.isSymbolicLink()) {
    if (!existsSync(requested)) throw new Error(`${requested} links to ${readlinkSync(requested)}, which does not exist`);
    return { dir: realpathSync(requested), linked: true };
  }
  mkdirSync(dirname(requested), { recursive: true });
  if (!account) {
    mkdirSync(requested, { recursive: true });
    return { dir: requested, linked: false };
  }
  // Initialised here before: PostgreSQL could enter it then.
  if (existsSync(join(requested, 'PG_VERSION'))) return { dir: requested, linked: false };
  if (canEnter(dirname(requested), account)) {
    mkdirSync(requested, { recursive: true });
    ownFor(requested, account);
    return { dir: requested, linked: false };
  }
  // An empty directory from an earlier attempt gives way to the link; one with files in it stops here (rmdir fails).
  if (existing) rmdirSync(requested);
  const name = requested.replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-+|-+$/g, '').slice(-80);
  const dir = mkdtempSync(join(ensureEmbeddedRoot(), `${name}-`));
  ownFor(dir, account);
  symlinkSync(dir, requested);
  return { dir, linked: true };
}

function ownFor(dir: string, account: PostgresAccount): void {
  chownSync(dir, account.uid, account.gid);
  // PostgreSQL refuses a data directory others can enter.
  chmodSync(dir, 0o700);
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

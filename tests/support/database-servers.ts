import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { HostSandbox } from './host-sandbox.js';

/**
 * Real database servers inside sandboxed test hosts (tests/support/host-sandbox.ts), run in the foreground without
 * systemd, as Debian's packages install them: PostgreSQL 15 (a cluster made with Debian's pg_createcluster, so the
 * server's own `psql` finds it as it would on a managed server) and MariaDB (mariadb-install-db, then mariadbd).
 * Each listens on its own free port on 127.0.0.1 (clients log in with passwords there) and on its socket in the
 * host's private /run directory (the backends' superuser sessions use that).
 */

/** The private, empty directories a host needs for its database servers (pass to startSshHost / HostSandbox.start). */
export const DATABASE_HOST_DIRS = [
  { path: '/etc/postgresql' },
  { path: '/var/lib/postgresql', owner: 'postgres:postgres' },
  { path: '/run/postgresql', owner: 'postgres:postgres' },
  { path: '/var/log/postgresql', owner: 'root:postgres' },
  { path: '/var/lib/mysql', owner: 'mysql:mysql' },
  { path: '/run/mysqld', owner: 'mysql:mysql' },
] as const;

export const POSTGRESQL_VERSION = '15';
const PG_BIN = `/usr/lib/postgresql/${POSTGRESQL_VERSION}/bin`;

export interface DatabaseServer {
  readonly engine: 'postgresql' | 'mariadb';
  readonly port: number;
  /** Runs SQL as the superuser (over the socket, inside the host); resolves with the output, rejects on an error. */
  superuser(sql: string, database?: string): Promise<string>;
  /**
   * Logs in as `user` with `password` over TCP (the password through the environment, never argv) and runs SQL in
   * `database`; resolves with the output, rejects with the client's message.
   */
  login(user: string, password: string, database: string, sql: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A foreground daemon inside the host, its stderr kept for failure messages. */
function daemon(sandbox: HostSandbox, command: string[]): { child: ChildProcess; log: () => string } {
  const child = spawn('nsenter', sandbox.enterArgs(command), { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    });
  }
  return { child, log: () => lines.slice(-40).join('\n') };
}

async function waitUntil(what: string, ready: () => Promise<boolean>, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    if (Date.now() > deadline) throw new Error(`${what} was not ready within 120 s:\n${log()}`);
    await sleep(200);
  }
}

async function stopDaemon(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timeout);
}

async function succeeds(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL 15 in the host: Debian's cluster `15/main` on a free port, postgres in the foreground as `postgres`. */
export async function startPostgresql(sandbox: HostSandbox): Promise<DatabaseServer> {
  const port = await freePort();
  await sandbox.exec(['pg_createcluster', '--port', String(port), POSTGRESQL_VERSION, 'main']);
  // Only 127.0.0.1: other test hosts on this machine's loopback use other ports. No fsync: a test server's data is
  // thrown away, and a thousand CREATE DATABASE (the benchmark) would otherwise wait on the disk most of the time.
  const conf = ["listen_addresses = '127.0.0.1'", 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off'].join('\n');
  await sandbox.exec(['bash', '-c', `cat > /etc/postgresql/${POSTGRESQL_VERSION}/main/conf.d/orchestra-test.conf`], `${conf}\n`);
  const { child, log } = daemon(sandbox, [
    'setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--',
    `${PG_BIN}/postgres`, '-D', `/var/lib/postgresql/${POSTGRESQL_VERSION}/main`,
    '-c', `config_file=/etc/postgresql/${POSTGRESQL_VERSION}/main/postgresql.conf`,
  ]);
  const superuser = async (sql: string, database = 'postgres') =>
    (await sandbox.exec(['runuser', '-u', 'postgres', '--', 'env', `PGDATABASE=${database}`, 'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'], sql)).stdout;
  await waitUntil('postgres', () => succeeds(() => superuser('SELECT 1')), child, log);
  return {
    engine: 'postgresql',
    port,
    superuser,
    async login(user, password, database, sql) {
      const args = ['env', `PGPASSWORD=${password}`, 'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database];
      return (await sandbox.exec(args, sql)).stdout;
    },
    stop: () => stopDaemon(child, 'SIGINT'),
  };
}

/** MariaDB in the host: a fresh data directory (mariadb-install-db), mariadbd in the foreground on a free port. */
export async function startMariadb(sandbox: HostSandbox): Promise<DatabaseServer> {
  const port = await freePort();
  // Small buffers and logs: several servers run at once on a small machine.
  const config = [
    '[mysqld]', `port = ${port}`, 'bind-address = 127.0.0.1', 'innodb_buffer_pool_size = 16M', 'innodb_log_file_size = 8M', 'skip-name-resolve',
    // As for PostgreSQL: no waiting on the disk for data that is thrown away.
    'innodb_flush_log_at_trx_commit = 0', 'innodb_flush_method = nosync', 'sync_frm = 0',
  ].join('\n');
  await sandbox.exec(['bash', '-c', 'cat > /etc/mysql/mariadb.conf.d/99-orchestra-test.cnf'], `${config}\n`);
  await sandbox.exec(['mariadb-install-db', '--user=mysql', '--datadir=/var/lib/mysql', '--skip-test-db', '--auth-root-authentication-method=socket']);
  const { child, log } = daemon(sandbox, ['mariadbd', '--user=mysql']);
  const superuser = async (sql: string, database?: string) =>
    (await sandbox.exec(['mariadb', '--default-character-set=utf8mb4', '--batch', '--skip-column-names', ...(database ? [database] : [])], sql)).stdout;
  await waitUntil('mariadbd', () => succeeds(() => superuser('SELECT 1')), child, log);
  return {
    engine: 'mariadb',
    port,
    superuser,
    async login(user, password, database, sql) {
      const args = ['env', `MYSQL_PWD=${password}`, 'mariadb', '--default-character-set=utf8mb4', '--batch', '--skip-column-names', '--protocol=tcp', '-h', '127.0.0.1', '-P', String(port), '-u', user, database];
      return (await sandbox.exec(args, sql)).stdout;
    },
    stop: () => stopDaemon(child, 'SIGTERM'),
  };
}

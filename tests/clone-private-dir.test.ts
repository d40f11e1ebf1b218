/**
 * The README's two commands from a fresh clone of this branch's committed HEAD, in a private directory (a `mktemp -d`,
 * mode 0700, like /root): set-up leaves the clone clean, `npm start` runs (as root its PostgreSQL runs as `postgres`,
 * which cannot enter the clone) and answers, the README's CLI line finds that installation by itself, and the tests'
 * own services start from there too.
 *
 * It runs the clone's own scripts. To stay within a few minutes it reuses what this machine has: the clone's
 * node_modules starts as hard links to this worktree's (then the clone's `npm install` checks it against its lock file
 * and the npm cache), and the Temporal CLI set-up installed here is on PATH.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { EMBEDDED_ROOT } from '../src/embedded/postgres-account.js';
import { findTemporalBinary } from '../src/embedded/temporal-binary.js';
import { freePort } from '../src/embedded/free-port.js';
import { serverQueueWorkflowId } from '../src/workflows/contracts/workflow-ids.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { CreateAccountDocument, CreateRouteDocument, CreateServerDocument, LoginDocument } from './generated/graphql.js';
import { GraphQLClient } from './support/graphql-client.js';

const worktree = resolve(import.meta.dirname, '..');
let scratch: string;
let clone: string;
let env: NodeJS.ProcessEnv;
const ports = { pg: 0, temporal: 0, ui: 0, api: 0 };
let orchestra: ChildProcess | null = null;
let output = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the clone; never throws on a non-zero exit (the test looks at the code). */
function run(command: string, args: string[], timeoutMs = 240_000): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { cwd: clone, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const stopped = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const gitStatus = async () => (await run('git', ['status', '--porcelain'])).stdout;

/** The README's own CLI line, as printed there. */
function readmeCliLine(): string {
  const readme = readFileSync(join(clone, 'README.md'), 'utf8');
  const line = /`(npm run orchestrate -- [^`]*--dry-run)`/.exec(readme)?.[1];
  if (!line) throw new Error('README.md shows no `npm run orchestrate -- … --dry-run` line');
  return line;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'orchestra-clone-'));
  clone = join(scratch, 'orchestra');
  const head = await new Promise<string>((done, fail) =>
    execFile('git', ['rev-parse', 'HEAD'], { cwd: worktree }, (err, stdout) => (err ? fail(err) : done(stdout.trim()))),
  );
  // The Temporal CLI set-up installed here, and nothing else of this worktree, on PATH.
  const bin = join(scratch, 'bin');
  mkdirSync(bin);
  symlinkSync(findTemporalBinary(), join(bin, 'temporal'));
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(npm_|JEST_|TEST_|TEMPORAL_|EMBEDDED_|ORCHESTRA_|DATABASE_URL$|NODE_OPTIONS$|NODE_ENV$|PORT$|HOST$|INIT_CWD$)/.test(name),
  );
  const path = (process.env.PATH ?? '').split(':').filter((dir) => !dir.includes('node_modules'));
  [ports.pg, ports.temporal, ports.ui, ports.api] = [await freePort(), await freePort(), await freePort(), await freePort()];
  env = {
    ...Object.fromEntries(inherited),
    PATH: [bin, ...path].join(':'),
    npm_config_prefer_offline: 'true',
    // Other installations and test runs share this machine: no default port.
    EMBEDDED_PG_PORT: String(ports.pg),
    EMBEDDED_TEMPORAL_PORT: String(ports.temporal),
    EMBEDDED_TEMPORAL_UI_PORT: String(ports.ui),
    PORT: String(ports.api),
  };

  const cloned = await new Promise<Run>((done) =>
    execFile('git', ['clone', '--quiet', '--no-checkout', worktree, clone], (err, stdout, stderr) => done({ code: err ? 1 : 0, stdout, stderr })),
  );
  expect(cloned).toMatchObject({ code: 0 });
  expect(await run('git', ['checkout', '--quiet', head])).toMatchObject({ code: 0 });
  // Hard links: instant, and the clone's npm install replaces (never edits) what it changes. Another file system: the
  // clone's npm install fetches everything from the npm cache instead.
  await run('cp', ['-al', join(worktree, 'node_modules'), join(clone, 'node_modules')]);
}, 120_000);

afterAll(async () => {
  // Left running by a failed test: Ctrl-C, and if that does not stop it, SIGKILL to its process group.
  if (orchestra && !stopped(orchestra)) {
    process.kill(-orchestra.pid!, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (!stopped(orchestra) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    if (!stopped(orchestra)) process.kill(-orchestra.pid!, 'SIGKILL');
  }
  // As root a private clone's database lives under /var/lib/orchestra-embedded, linked from .data/postgres.
  const link = clone && join(clone, '.data/postgres');
  if (link && existsSync(link) && lstatSync(link).isSymbolicLink()) {
    const data = readlinkSync(link);
    // A PostgreSQL that outlived a killed npm start (it runs in a process group of its own): immediate shutdown.
    const postmaster = join(data, 'postmaster.pid');
    if (existsSync(postmaster)) {
      try {
        process.kill(Number(readFileSync(postmaster, 'utf8').split('\n')[0]), 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    rmSync(data, { recursive: true, force: true });
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 60_000);

describe('a clone in a private directory', () => {
  test('is really private', () => {
    expect(statSync(scratch).mode & 0o777).toBe(0o700);
  });

  test('set-up succeeds and leaves the clone clean (package-lock.json is what npm install writes)', async () => {
    const setup = await run('npm', ['run', 'setup']);
    expect(setup.stderr).not.toContain('ERROR');
    expect(setup.code).toBe(0);
    expect(await gitStatus()).toBe('');
  }, 300_000);

  test('the CLI says what to do when no installation is running', async () => {
    const result = await run('bash', ['-c', readmeCliLine()]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DATABASE_URL is not set, and no `npm start` of this clone is running');
    expect(result.stderr).not.toMatch(/\n\s+at /); // one message, no stack trace
  }, 60_000);

  test('npm start runs there: the API answers, the first admin logs in', async () => {
    orchestra = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    orchestra.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    orchestra.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 240_000;
    while (!output.includes('Orchestra is ready')) {
      if (orchestra.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(output).not.toContain('WARNING');
    const health = await fetch(`http://127.0.0.1:${ports.api}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const password = readFileSync(join(clone, '.data/first-admin-password'), 'utf8').trim();
    const login = await new GraphQLClient(`http://127.0.0.1:${ports.api}/graphql`).data(LoginDocument, { input: { username: 'admin', password } });
    expect(login.login.token).toBeTruthy();
    if (process.getuid?.() === 0) {
      // The postgres user cannot enter the clone: the data is in a directory of its own, .data/postgres links to it.
      const link = join(clone, '.data/postgres');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link).startsWith(`${EMBEDDED_ROOT}/`)).toBe(true);
      expect(output).toContain(`(data in ${readlinkSync(link)})`);
    }
    expect(await gitStatus()).toBe('');
  }, 300_000);

  test("the README's CLI line finds the running installation by itself, with and without --dry-run", async () => {
    expect(output).toContain('Orchestra is ready');
    const password = readFileSync(join(clone, '.data/first-admin-password'), 'utf8').trim();
    const anonymous = new GraphQLClient(`http://127.0.0.1:${ports.api}/graphql`);
    const admin = anonymous.as((await anonymous.data(LoginDocument, { input: { username: 'admin', password } })).login.token!);
    const server = await admin.data(CreateServerDocument, { input: { name: 'web1', address: '127.0.0.1' } });
    await admin.data(CreateRouteDocument, { input: { backend: 'system-users', serverId: server.createServer.server!.id } });
    expect((await admin.data(CreateAccountDocument, { input: { username: 'alice', type: 'COMPANY' } })).createAccount.userErrors).toEqual([]);

    const line = readmeCliLine();
    const dryRun = await run('bash', ['-c', line]);
    expect(dryRun.stderr).not.toContain('orchestrate:');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('### system-users on web1: save SystemUser alice');

    const applied = await run('bash', ['-c', line.replace(' --dry-run', '')]);
    expect(applied.code).toBe(0);
    const batch = /batch (\d+) started/.exec(applied.stdout)?.[1];
    expect(batch).toBeDefined();
    // Started in the embedded Temporal of that installation (its task queue, its port): web1's queue was woken.
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const queue = serverQueueWorkflowId('orchestra', idOf('Server', server.createServer.server!.id));
      const described = await new Client({ connection }).workflow.getHandle(queue).describe();
      expect(described.taskQueue).toBe('orchestra');
    } finally {
      await connection.close();
    }
  }, 180_000);

  test('Ctrl-C stops it; the CLI then says no installation is running', async () => {
    expect(stopped(orchestra!)).toBe(false);
    // Like Ctrl-C in a terminal: the whole foreground process group.
    process.kill(-orchestra!.pid!, 'SIGINT');
    const deadline = Date.now() + 60_000;
    while (!(stopped(orchestra!) && output.includes('stopped in'))) {
      if (Date.now() > deadline) throw new Error(`npm start did not stop:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(existsSync(join(clone, '.data/running.json'))).toBe(false);
    const result = await run('bash', ['-c', readmeCliLine()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no `npm start` of this clone is running');
    expect(await gitStatus()).toBe('');
  }, 120_000);

  test("the tests' own PostgreSQL and Temporal start from there (npm test's set-up)", async () => {
    const jest = await run('npm', ['run', 'test:jest', '--', 'tests/shell-quote.test.ts']);
    expect(jest.stderr).toContain('Tests:');
    expect(jest.code).toBe(0);
    expect(await gitStatus()).toBe('');
  }, 240_000);
});

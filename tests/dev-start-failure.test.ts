/**
 * `npm start` (src/bin/dev.ts) that cannot start says why in one message and exits 1: no stack trace, no unhandled
 * 'error' event of a child process.
 */
import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../src/embedded/free-port.js';

const root = resolve(import.meta.dirname, '..');

/** dev.ts with only the given variables (and PATH, HOME); no secret is made in .data/ and no embedded PostgreSQL starts. */
function startDev(vars: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/',
    // Never contacted: start-up fails before.
    DATABASE_URL: 'postgresql://orchestra:unused@127.0.0.1:1/orchestra',
    ORCHESTRA_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters',
    ORCHESTRA_SSH_KEY: '/nonexistent/key',
    ...vars,
  };
  return new Promise((done, fail) => {
    const child = spawn(join(root, 'node_modules/.bin/node'), ['--import', './scripts/register.js', 'src/bin/dev.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

function expectOneMessage(output: string): void {
  expect(output).not.toMatch(/^\s+at /m); // no stack frame
  expect(output).not.toContain("Unhandled 'error' event");
  expect(output.match(/cannot start/g)).toHaveLength(1);
}

test('a Temporal CLI that cannot be executed (spawn EACCES) is one message and exit 1', async () => {
  // A directory passes the "is executable" check but cannot be spawned: EACCES, like a binary in a place one cannot enter.
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-not-a-program-'));
  try {
    const { code, output } = await startDev({ TEMPORAL_CLI: dir, EMBEDDED_TEMPORAL_PORT: String(await freePort()), PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(output).toContain(`[orchestra] cannot start: the Temporal CLI ${dir} could not run: spawn ${dir} EACCES`);
    expectOneMessage(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('a port in use is one message naming it, and exit 1', async () => {
  const taken: Server = createServer();
  await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
  const port = (taken.address() as { port: number }).port;
  try {
    const { code, output } = await startDev({ TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: String(port) });
    expect(code).toBe(1);
    expect(output).toContain(`API (PORT) port ${port} is in use`);
    expectOneMessage(output);
  } finally {
    taken.close();
  }
}, 60_000);

test('ORCHESTRA_DATA_DIR holds the secrets npm start makes, instead of the clone\'s .data', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orchestra-data-dir-'));
  const notExecutable = mkdtempSync(join(tmpdir(), 'orchestra-not-a-program-'));
  try {
    // No secret given: start-up makes both in the data directory, then fails at the Temporal CLI (EACCES).
    const { code, output } = await startDev({
      ORCHESTRA_DATA_DIR: dataDir,
      ORCHESTRA_TOKEN_SECRET: '',
      ORCHESTRA_SSH_KEY: '',
      TEMPORAL_CLI: notExecutable,
      EMBEDDED_TEMPORAL_PORT: String(await freePort()),
      PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expectOneMessage(output);
    expect(existsSync(join(dataDir, 'secrets', 'token-secret'))).toBe(true);
    expect(existsSync(join(dataDir, 'ssh', 'id_ed25519'))).toBe(true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(notExecutable, { recursive: true, force: true });
  }
}, 60_000);

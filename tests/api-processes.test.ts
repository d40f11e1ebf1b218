/**
 * ORCHESTRA_API_PROCESSES: the production entry point (src/bin/api.ts) runs that many API processes on one port;
 * connections are spread over all of them, one that dies is replaced, and SIGTERM stops them all.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { bootstrapFirstAdmin } from '../src/auth/bootstrap.js';
import { freePort } from '../src/embedded/free-port.js';
import { createTestDatabase } from './support/database.js';
import { pollUntil } from './support/resilience.js';

const root = resolve(import.meta.dirname, '..');
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let primary: ChildProcess;
let output = '';
let port: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await bootstrapFirstAdmin(db.orm); // the processes find an administrator: no password notice in this test's output
  port = await freePort();
  primary = spawn(join('node_modules/.bin/node'), ['--import', './scripts/register.js', 'src/bin/api.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/',
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
      ORCHESTRA_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
      ORCHESTRA_SSH_KEY: '/nonexistent/test-key',
      HOST: '127.0.0.1',
      PORT: String(port),
      ORCHESTRA_API_PROCESSES: '2',
    },
  });
  primary.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  primary.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await pollUntil('2 API processes to listen', async () => output, (text) => text.includes(`2 API processes listen on port ${port}`), 480_000);
  // Three Node processes compile the code base as they start: minutes on a busy 2-core machine.
}, 500_000);

afterAll(async () => {
  if (primary && primary.exitCode === null) primary.kill('SIGKILL');
  await db?.drop();
});

function join(path: string): string {
  return resolve(root, path);
}

/** The processes the primary started (its children, from /proc). */
function children(): number[] {
  const pid = primary.pid!;
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Which process holds each established connection to the API's port (from /proc/net/tcp and the processes' fds). */
function connectionOwners(pids: number[]): number[] {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(portHex) && f[3] === '01') // local address on the port, ESTABLISHED
      .map((f) => f[9]),
  );
  const owners: number[] = [];
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) owners.push(pid);
    }
  }
  return owners;
}

/** A GraphQL request on a connection of its own, kept open. */
function graphqlOn(agent: Agent): Promise<unknown> {
  const body = JSON.stringify({ query: '{ __typename }' });
  return new Promise((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(JSON.parse(text)));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

test('connections are spread over every API process, each answering GraphQL', async () => {
  const pids = children();
  expect(pids).toHaveLength(2);
  const agents = Array.from({ length: 4 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    for (const agent of agents) expect(await graphqlOn(agent)).toEqual({ data: { __typename: 'Query' } });
    const owners = connectionOwners(pids);
    expect(owners).toHaveLength(4);
    expect(new Set(owners)).toEqual(new Set(pids));
  } finally {
    for (const agent of agents) agent.destroy();
  }
});

test('an API process that dies is replaced', async () => {
  const [victim, survivor] = children();
  process.kill(victim, 'SIGKILL');
  const now = await pollUntil('a replacement process', async () => children(), (pids) => pids.length === 2 && !pids.includes(victim), 120_000);
  expect(now).toContain(survivor);
  await pollUntil('the replacement to listen', async () => output, (text) => text.includes(`API process ${victim} exited (SIGKILL); starting another`), 120_000);
  const replacement = now.find((pid) => pid !== survivor)!;
  const agents = Array.from({ length: 4 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    await pollUntil('the replacement to take connections', async () => {
      for (const agent of agents) await graphqlOn(agent);
      const owners = connectionOwners(now);
      for (const agent of agents) agent.destroy();
      return owners;
    }, (owners) => owners.includes(replacement));
  } finally {
    for (const agent of agents) agent.destroy();
  }
}, 180_000);

test('SIGTERM to the primary stops every API process, and it exits 0', async () => {
  const pids = children();
  const exited = new Promise<number | null>((done) => primary.on('exit', (code) => done(code)));
  primary.kill('SIGTERM');
  expect(await exited).toBe(0);
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
}, 120_000);

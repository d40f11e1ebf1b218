// The SSH pool's connection side against real sshd hosts: host-key pinning and the trust step, authentication,
// a server going away and coming back, keepalive, idle close, and that test hosts leave no sshd behind.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HostKeyMismatchError,
  HostKeyNotTrustedError,
  NON_RETRYABLE_SSH_ERRORS,
  SshAuthError,
  SshPool,
  TransportError,
  fetchHostKey,
  type SshPoolOptions,
} from '../src/orchestration/ssh/index.js';
import { opensshFingerprint, processRunning, startSshHost, type SshHost } from './support/sshd-host.js';

const hosts: SshHost[] = [];
const pools: SshPool[] = [];

async function host(name: string): Promise<SshHost> {
  const h = await startSshHost(name);
  hosts.push(h);
  return h;
}

function poolFor(h: SshHost, opts: Partial<SshPoolOptions> = {}): SshPool {
  const p = new SshPool({ privateKeyPath: h.privateKeyPath, backoffBaseMs: 50, ...opts });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

const canaryPath = () => `/root/canary-${randomBytes(4).toString('hex')}`;
const exists = async (h: SshHost, path: string) => (await h.sandbox.bash(`test -e '${path}'`)).code === 0;
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe('host keys', () => {
  test('fetchHostKey reads the fingerprint ssh-keygen reports, without logging in', async () => {
    const h = await host('trust');
    const presented = await fetchHostKey('127.0.0.1', h.port);
    expect(presented).toEqual({ fingerprint: h.hostKeyFingerprint, algorithm: 'ssh-ed25519' });
    expect(h.log()).not.toMatch(/Accepted publickey/);
    // A closed port is a transport problem, not a key.
    await h.stopSshd();
    await expect(fetchHostKey('127.0.0.1', h.port)).rejects.toBeInstanceOf(TransportError);
    await h.startSshd();
  });

  test('a changed host key is a non-retryable HostKeyMismatchError and nothing runs', async () => {
    const h = await host('rotate');
    const pinned = h.endpoint;
    const pool = poolFor(h);
    expect((await pool.run(pinned, 'true', { timeoutMs: 10_000 })).exitCode).toBe(0);
    const newFingerprint = await h.rotateHostKey();
    expect(newFingerprint).not.toBe(pinned.hostKeyFingerprint);
    expect(newFingerprint).toBe(await opensshFingerprint(join(h.sandbox.dir, 'sshd', 'ssh_host_ed25519_key.pub')));

    const canary = canaryPath();
    const err = await failure(pool.run(pinned, `touch ${canary}`, { timeoutMs: 10_000 }));
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    expect(err).toMatchObject({ retryable: false, expected: pinned.hostKeyFingerprint, actual: newFingerprint });
    expect(NON_RETRYABLE_SSH_ERRORS).toContain((err as Error).name);
    expect(await exists(h, canary)).toBe(false);
    expect(h.log().split('Server listening').pop()).not.toMatch(/Accepted publickey/); // no login since the restart
    expect(await pool.serverStatus(pinned)).toMatchObject({ reachable: false, error: expect.stringMatching(/^HostKeyMismatchError/) });

    // After the operator re-trusts the new key, the same pool runs again.
    expect((await pool.run(h.endpoint, `touch ${canary}`, { timeoutMs: 10_000 })).exitCode).toBe(0);
    expect(await exists(h, canary)).toBe(true);
  });

  test('a server without a pinned key is refused before connecting: HostKeyNotTrustedError', async () => {
    const h = await host('untrusted');
    const pool = poolFor(h);
    const canary = canaryPath();
    const err = await failure(pool.run({ ...h.endpoint, hostKeyFingerprint: null }, `touch ${canary}`, { timeoutMs: 10_000 }));
    expect(err).toBeInstanceOf(HostKeyNotTrustedError);
    expect(err).toMatchObject({ retryable: false });
    expect(await exists(h, canary)).toBe(false);
  });
});

describe('authentication', () => {
  test('a key the server does not accept is a non-retryable SshAuthError', async () => {
    const h = await host('auth');
    const dir = mkdtempSync(join(tmpdir(), 'other-key-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
      const pool = poolFor(h, { privateKeyPath: join(dir, 'id') });
      const err = await failure(pool.run(h.endpoint, 'true', { timeoutMs: 10_000 }));
      expect(err).toBeInstanceOf(SshAuthError);
      expect(err).toMatchObject({ retryable: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unusable key file fails at construction', () => {
    expect(() => new SshPool({ privateKeyPath: '/etc/hostname' })).toThrow(/not a usable private key/);
  });
});

describe('the server goes away and comes back', () => {
  test('sshd stopped: retryable TransportError; started again: the same pool reconnects', async () => {
    const h = await host('restart');
    const pool = poolFor(h);
    expect((await pool.run(h.endpoint, 'echo up', { timeoutMs: 10_000 })).stdout).toBe('up\n');
    await h.stopSshd();
    const err = await failure(pool.run(h.endpoint, 'echo up', { timeoutMs: 10_000 }));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ retryable: true, phase: 'connect', message: expect.stringMatching(/ECONNREFUSED/) });
    expect(NON_RETRYABLE_SSH_ERRORS).not.toContain('TransportError');
    expect(await pool.serverStatus(h.endpoint)).toMatchObject({ reachable: false, latencyMs: null });
    await h.startSshd();
    expect((await pool.run(h.endpoint, 'echo up', { timeoutMs: 10_000 })).stdout).toBe('up\n');
    expect(pool.stats().connections).toBe(1);
  });

  test('a connection lost mid-script is a retryable TransportError that keeps the output so far', async () => {
    const h = await host('drop');
    const pool = poolFor(h);
    let onStarted!: () => void;
    const started = new Promise<void>((resolve) => (onStarted = resolve));
    const run = failure(
      pool.run(h.endpoint, 'echo started; sleep 30', { timeoutMs: 60_000, onOutput: (_s, chunk) => chunk.includes('started') && onStarted() }),
    );
    await started;
    await h.stopSshd();
    const err = await run;
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ retryable: true, phase: 'running', partial: { stdout: 'started\n', exitCode: null } });
    await h.startSshd();
    expect((await pool.run(h.endpoint, 'echo back', { timeoutMs: 10_000 })).stdout).toBe('back\n');
  });

  test('keepalive notices a peer that went silent; the next run gets a fresh connection', async () => {
    const h = await host('silent');
    const pool = poolFor(h, { keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    await pool.run(h.endpoint, 'true', { timeoutMs: 10_000 });
    // Freeze the session (not the listener): the TCP connection stays up but nothing answers any more.
    const frozen = h.sessionPids();
    expect(frozen.length).toBeGreaterThan(0);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      const deadline = Date.now() + 5_000;
      while (pool.stats().connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(pool.stats().connections).toBe(0);
      expect((await pool.run(h.endpoint, 'echo fresh', { timeoutMs: 10_000 })).stdout).toBe('fresh\n');
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone
        }
      }
    }
  });

  test('an idle connection is closed after idleCloseMs, on both ends, and reopened on demand', async () => {
    const h = await host('idle');
    const pool = poolFor(h, { idleCloseMs: 300 });
    await pool.run(h.endpoint, 'true', { timeoutMs: 10_000 });
    expect(pool.stats()).toMatchObject({ servers: 1, connections: 1 });
    expect(h.sessionPids().length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 800));
    expect(pool.stats()).toMatchObject({ servers: 0, connections: 0 });
    expect(h.sessionPids()).toEqual([]);
    expect((await pool.run(h.endpoint, 'echo again', { timeoutMs: 10_000 })).stdout).toBe('again\n');
  });
});

describe('test hosts', () => {
  test('close() leaves no sshd and no sandbox behind', async () => {
    const h = await startSshHost('teardown');
    const pid = h.sshdPid!;
    const config = join(h.sandbox.dir, 'sshd', 'sshd_config');
    await poolFor(h).run(h.endpoint, 'true', { timeoutMs: 10_000 }); // with a live session to tear down too
    const sessions = h.sessionPids();
    await h.close();
    for (const p of [pid, ...sessions]) expect(processRunning(p)).toBe(false);
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(config);
    expect(existsSync(h.sandbox.dir)).toBe(false);
  });
});

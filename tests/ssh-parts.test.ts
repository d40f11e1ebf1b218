// The SSH runner's pure parts, without a server: output bounding, the pgid line, the kill command's guard,
// fingerprints, the channel semaphore.
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoundedOutput } from '../src/orchestration/ssh/bounded-output.js';
import {
  HostKeyMismatchError,
  HostKeyNotTrustedError,
  NON_RETRYABLE_SSH_ERRORS,
  ScriptCancelledError,
  ScriptTimeoutError,
  SshAuthError,
  TransportError,
} from '../src/orchestration/ssh/errors.js';
import { sameFingerprint, sshFingerprint } from '../src/orchestration/ssh/fingerprint.js';
import { PgidLineParser, frameScript, killCommand } from '../src/orchestration/ssh/remote-process.js';
import { Semaphore } from '../src/orchestration/ssh/semaphore.js';

describe('BoundedOutput', () => {
  test('keeps everything under the bound', () => {
    const out = new BoundedOutput(100);
    expect(out.push(Buffer.from('hello '))).toBe('hello ');
    out.push(Buffer.from('world'));
    expect(out.text()).toBe('hello world');
    expect(out.truncated).toBe(false);
  });

  test('keeps head and tail, marks what it dropped', () => {
    const out = new BoundedOutput(10);
    for (const c of ['0123', '4567', '89ab', 'cdef', 'ghij']) out.push(Buffer.from(c));
    expect(out.truncated).toBe(true);
    expect(out.totalBytes).toBe(20);
    expect(out.text()).toBe('01234\n[orchestra: 10 bytes of output omitted]\nfghij');
  });

  test('never splits a UTF-8 character: not when streaming, not at the cut', () => {
    const text = 'é€😀'.repeat(50); // 2-, 3- and 4-byte characters
    const bytes = Buffer.from(text);
    const out = new BoundedOutput(41);
    let streamed = '';
    for (let i = 0; i < bytes.length; i += 7) streamed += out.push(bytes.subarray(i, i + 7));
    streamed += out.flush();
    expect(streamed).toBe(text);
    const [head, tail] = out.text().split(/\n\[orchestra: \d+ bytes of output omitted\]\n/);
    expect(head).not.toContain('\uFFFD');
    expect(tail).not.toContain('\uFFFD');
    expect(text.startsWith(head)).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
  });
});

describe('remote process protocol', () => {
  test('the pgid line is split off the script output, even across chunks and after login noise', () => {
    const parser = new PgidLineParser();
    expect(parser.feed(Buffer.from('motd from .bashrc\norchestra-pg')).length).toBe(0);
    expect(parser.feed(Buffer.from('id:4242\nfirst line of the script\n')).toString()).toBe('first line of the script\n');
    expect(parser.pgid).toBe(4242);
    expect(parser.feed(Buffer.from('orchestra-pgid:1\n')).toString()).toBe('orchestra-pgid:1\n');
    expect(parser.pgid).toBe(4242);
  });

  test('the kill command only ever targets a real process group', () => {
    expect(killCommand(4242, 2000)).toContain('kill -TERM -- -4242');
    expect(killCommand(4242, 2000)).toContain('kill -KILL -- -4242');
    for (const bad of [0, 1, -5, 1.5, Number.NaN]) expect(() => killCommand(bad, 2000)).toThrow(/refusing/);
  });

  test('the script is framed as one group, its bytes untouched', () => {
    const script = "echo 'a'\n$(x) `y` ünï\n";
    expect(frameScript(script).toString('utf8')).toBe(`{\n${script}\n}\n`);
  });
});

describe('fingerprints', () => {
  test('match what ssh-keygen prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fp-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
      const expected = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1];
      const blob = Buffer.from(readFileSync(join(dir, 'k.pub'), 'utf8').split(' ')[1], 'base64');
      expect(sshFingerprint(blob)).toBe(expected);
      expect(sameFingerprint(expected, sshFingerprint(blob))).toBe(true);
      expect(sameFingerprint(` ${expected.slice('SHA256:'.length)} `, expected)).toBe(true);
      expect(sameFingerprint(expected.toLowerCase(), expected)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errors', () => {
  test('the type Temporal sees (constructor name) is the stable name, and retryability follows the list', () => {
    const result = { exitCode: null, signal: 'SIGTERM', stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false, startedAt: '', finishedAt: '' };
    const errors = [
      new TransportError('s', 'connect', 'refused'),
      new SshAuthError('s', 'denied'),
      new HostKeyMismatchError('s', 'SHA256:a', 'SHA256:b'),
      new HostKeyNotTrustedError('s'),
      new ScriptTimeoutError('s', 10, result),
      new ScriptCancelledError('s', false),
    ];
    for (const err of errors) {
      expect(err.constructor.name).toBe(err.name);
      expect(NON_RETRYABLE_SSH_ERRORS.includes(err.name)).toBe(!err.retryable);
    }
    expect(NON_RETRYABLE_SSH_ERRORS).not.toContain('TransportError');
  });
});

describe('Semaphore', () => {
  test('grants in arrival order, caps concurrency, lets a waiter give up', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    const a = await sem.acquire().slot;
    const b = await sem.acquire().slot;
    const controller = new AbortController();
    const gaveUp = sem.acquire(controller.signal, () => new Error('gave up')).slot;
    const third = sem.acquire().slot.then((release) => (order.push(3), release));
    const fourth = sem.acquire().slot.then((release) => (order.push(4), release));
    expect(sem.queued).toBe(3);
    controller.abort();
    await expect(gaveUp).rejects.toThrow('gave up');
    a();
    a(); // releasing twice must not free two slots
    const r3 = await third;
    expect(sem.active).toBe(2);
    expect(order).toEqual([3]);
    b();
    const r4 = await fourth;
    expect(order).toEqual([3, 4]);
    r3();
    r4();
    expect(sem.active).toBe(0);
  });
});

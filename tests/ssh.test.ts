// The SSH runner against real OpenSSH servers (sshd in host sandboxes on loopback ports): what a script run
// does on the host, output capture, the channel limit, and that timeouts and cancels kill the remote processes.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ScriptCancelledError, ScriptTimeoutError, SshPool } from '../src/orchestration/ssh/index.js';
import type { ScriptResult } from '../src/orchestration/types.js';
import { startSshHost, type SshHost } from './support/sshd-host.js';

let a: SshHost;
let b: SshHost;
let pool: SshPool;

beforeAll(async () => {
  [a, b] = await Promise.all([startSshHost('ssh-a'), startSshHost('ssh-b')]);
  pool = new SshPool({ privateKeyPath: a.privateKeyPath, killGraceMs: 500 });
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([a?.close(), b?.close()]);
});

const marker = () => `orchestra-marker-${randomBytes(6).toString('hex')}`;

/** Processes on host `h` whose command line contains `text` (the sandbox shares the machine's /proc). */
async function processesMatching(h: SshHost, text: string): Promise<string[]> {
  const { stdout } = await h.sandbox.bash(`pgrep -af -- '${text}' || true`);
  return stdout.split('\n').filter(Boolean);
}

/**
 * The processes matching `text` once there are `count` of them: "started" is printed by the script's shell, which
 * may get there before a subshell has exec'd its named process (seen under load in CI).
 */
async function processesStarted(h: SshHost, text: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await processesMatching(h, text);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function fileExists(h: SshHost, path: string): Promise<boolean> {
  return (await h.sandbox.bash(`test -e '${path}'`)).code === 0;
}

/** Runs `script`, resolving `started` once the script printed `started` (so the test knows it is running). */
function runUntilStarted(script: string, opts: { timeoutMs: number; signal?: AbortSignal; runner?: SshPool }) {
  let onStarted!: () => void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const run = (opts.runner ?? pool).run(a.endpoint, script, {
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onOutput: (stream, chunk) => stream === 'stdout' && chunk.includes('started') && onStarted(),
  });
  run.catch(() => {}); // observed by the test; avoid an unhandled rejection before it is
  return { started, run };
}

describe('running a script', () => {
  test('stdout, stderr and the exit code come back; a non-zero exit is a result, not an error', async () => {
    const chunks: string[] = [];
    const result = await pool.run(a.endpoint, 'echo out; echo err >&2; hostname; exit 3', {
      timeoutMs: 10_000,
      onOutput: (stream, chunk) => chunks.push(`${stream}:${chunk}`),
    });
    expect(result).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\nssh-a\n', stderr: 'err\n', stdoutTruncated: false });
    expect(chunks.join('')).toContain('stdout:out\n');
    expect(chunks.join('')).toContain('stderr:err\n');
    expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
  });

  test('a script killed by a signal reports the signal', async () => {
    const result = await pool.run(a.endpoint, 'echo before; kill -TERM $$; echo after', { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', stdout: 'before\n' });
  });

  test('the script arrives byte-exact on stdin: quotes, $(), backticks, backslashes, newlines, unicode', async () => {
    const canary = `/root/canary-${randomBytes(4).toString('hex')}`;
    const payload = [
      `it's "quoted" 'single' \\"escaped\\"`,
      `$(touch ${canary}) \`touch ${canary}\` \${HOME} $HOME $((1+1))`,
      'back\\slash \\n \\\\ tab:\t cr:\r end',
      'ünïcødé — 日本語 — 🎉 — \u200b zero-width',
      '; rm -rf / #',
    ].join('\n');
    // A quoted heredoc prints its body verbatim: whatever bash received is exactly what comes back.
    const script = `cat <<'ORCHESTRA_EOF'\n${payload}\nORCHESTRA_EOF\n`;
    const result = await pool.run(a.endpoint, script, { timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${payload}\n`);
    expect(await fileExists(a, canary)).toBe(false);
  });

  test('bash parses the whole script before running any of it, and the script cannot read its own rest from stdin', async () => {
    const canary = `/root/canary-${randomBytes(4).toString('hex')}`;
    // A syntax error at the end (as a script cut off in transit would have): the first line must not run.
    const broken = await pool.run(a.endpoint, `touch ${canary}\nif true; then\n  echo never\n`, { timeoutMs: 10_000 });
    expect(broken.exitCode).toBe(2);
    expect(await fileExists(a, canary)).toBe(false);
    // `cat` and `read` get EOF instead of swallowing the following lines.
    const reading = await pool.run(a.endpoint, 'cat\nread -r line || echo "read got EOF"\necho "still running"\n', { timeoutMs: 10_000 });
    expect(reading).toMatchObject({ exitCode: 0, stdout: 'read got EOF\nstill running\n' });
  });

  test('output is bounded (head and tail kept, marked) but streamed in full; stdout and stderr separately', async () => {
    let streamed = 0;
    const script = [
      'echo FIRST-LINE',
      "head -c 3000000 /dev/zero | tr '\\0' x",
      'echo',
      'echo LAST-LINE',
      "for i in $(seq 1 5000); do echo 'é€😀 stderr line' >&2; done",
    ].join('\n');
    const result = await pool.run(a.endpoint, script, {
      timeoutMs: 30_000,
      maxOutputBytes: 64 * 1024,
      onOutput: (stream, chunk) => stream === 'stdout' && (streamed += Buffer.byteLength(chunk)),
    });
    expect(result.exitCode).toBe(0);
    expect(streamed).toBe('FIRST-LINE\n'.length + 3_000_000 + '\nLAST-LINE\n'.length);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stdout.startsWith('FIRST-LINE\nxxx')).toBe(true);
    expect(result.stdout.endsWith('xxx\nLAST-LINE\n')).toBe(true);
    expect(result.stdout).toMatch(/\n\[orchestra: \d+ bytes of output omitted\]\n/);
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(64 * 1024 + 100);
    expect(result.stderrTruncated).toBe(true);
    expect(result.stderr).not.toContain('\uFFFD');
    expect(result.stderr.endsWith('é€😀 stderr line\n')).toBe(true);
  });
});

describe('at most 8 channels per connection', () => {
  test('20 concurrent scripts: never more than 8 run at once on the server, the rest queue, all complete', async () => {
    const dir = `/root/concurrency-${randomBytes(4).toString('hex')}`;
    await a.sandbox.bash(`mkdir ${dir}; echo 0 > ${dir}/now; echo 0 > ${dir}/max`);
    // Each script counts itself in and out under a lock and records the highest count it saw.
    const script = `
      exec 9>${dir}/lock
      flock 9; n=$(( $(cat ${dir}/now) + 1 )); echo $n > ${dir}/now
      [ "$n" -gt "$(cat ${dir}/max)" ] && echo $n > ${dir}/max; flock -u 9
      sleep 1
      flock 9; echo $(( $(cat ${dir}/now) - 1 )) > ${dir}/now; flock -u 9
      echo done`;
    const runs = Array.from({ length: 20 }, () => pool.run(a.endpoint, script, { timeoutMs: 60_000 }));
    await new Promise((r) => setTimeout(r, 300));
    const during = pool.stats();
    const results: ScriptResult[] = await Promise.all(runs);
    expect(results.every((r) => r.exitCode === 0 && r.stdout === 'done\n')).toBe(true);
    const max = (await a.sandbox.bash(`cat ${dir}/max`)).stdout.trim();
    expect(max).toBe('8');
    expect(during).toMatchObject({ connections: 1, runningScripts: 8, queuedScripts: 12 });
  });
});

describe('killing the remote process', () => {
  test('a timeout kills the whole remote process group (foreground and background)', async () => {
    const m = marker();
    const { started, run } = runUntilStarted(`(exec -a ${m}-bg sleep 300) &\n(exec -a ${m}-fg sleep 300) &\necho started\nwait`, { timeoutMs: 1500 });
    await started;
    expect(await processesStarted(a, m, 2)).toHaveLength(2);
    const err = await run.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptTimeoutError);
    expect((err as ScriptTimeoutError).result).toMatchObject({ signal: 'SIGTERM', stdout: 'started\n' });
    expect(await processesMatching(a, m)).toEqual([]);
  });

  test('a process that ignores TERM is killed with KILL after the grace period', async () => {
    const m = marker();
    const t0 = Date.now();
    const { started, run } = runUntilStarted(`trap '' TERM\n(exec -a ${m} sleep 300) &\necho started\nwait`, { timeoutMs: 1000 });
    await started;
    const err = await run.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptTimeoutError);
    expect((err as ScriptTimeoutError).result.signal).toBe('SIGKILL');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000 + 500); // timeout, then the grace period (killGraceMs)
    expect(await processesMatching(a, m)).toEqual([]);
  });

  test('an AbortSignal cancels: the remote processes are killed and the output so far is kept', async () => {
    const m = marker();
    const controller = new AbortController();
    const { started, run } = runUntilStarted(`echo started\n(exec -a ${m} sleep 300)\necho never`, { timeoutMs: 60_000, signal: controller.signal });
    await started;
    expect(await processesStarted(a, m, 1)).toHaveLength(1);
    controller.abort();
    const err = await run.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptCancelledError);
    expect(err).toMatchObject({ started: true, result: { stdout: 'started\n' } });
    expect(await processesMatching(a, m)).toEqual([]);
  });

  test('a run cancelled before it starts does nothing', async () => {
    const canary = `/root/canary-${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    controller.abort();
    await expect(pool.run(a.endpoint, `touch ${canary}`, { timeoutMs: 10_000, signal: controller.signal })).rejects.toMatchObject({
      name: 'ScriptCancelledError',
      started: false,
    });
    // Also when the cancel lands while the run waits for a channel.
    const busy = Array.from({ length: 8 }, () => pool.run(a.endpoint, 'sleep 1', { timeoutMs: 10_000 }));
    const waiting = new AbortController();
    const queued = pool.run(a.endpoint, `touch ${canary}`, { timeoutMs: 10_000, signal: waiting.signal });
    await new Promise((r) => setTimeout(r, 100));
    waiting.abort();
    await expect(queued).rejects.toMatchObject({ name: 'ScriptCancelledError', started: false });
    await Promise.all(busy);
    expect(await fileExists(a, canary)).toBe(false);
  });
});

describe('two hosts', () => {
  test('each host is its own machine: hostname, and users added on one are not on the other', async () => {
    const [ha, hb] = await Promise.all([pool.run(a.endpoint, 'hostname', { timeoutMs: 10_000 }), pool.run(b.endpoint, 'hostname', { timeoutMs: 10_000 })]);
    expect([ha.stdout, hb.stdout]).toEqual(['ssh-a\n', 'ssh-b\n']);
    const user = `orch${randomBytes(3).toString('hex')}`;
    expect((await pool.run(a.endpoint, `useradd -M ${user}`, { timeoutMs: 10_000 })).exitCode).toBe(0);
    expect((await pool.run(a.endpoint, `getent passwd ${user}`, { timeoutMs: 10_000 })).exitCode).toBe(0);
    expect((await pool.run(b.endpoint, `getent passwd ${user}`, { timeoutMs: 10_000 })).exitCode).toBe(2);
    expect((await b.sandbox.bash(`getent passwd ${user}`)).code).toBe(2);
    expect(pool.stats().connections).toBe(2);
  });
});

describe('serverStatus', () => {
  test('reachable, with latency, uptime and load read from the host', async () => {
    const status = await pool.serverStatus(a.endpoint);
    expect(status).toMatchObject({ reachable: true, error: null });
    expect(status.latencyMs).toBeGreaterThan(0);
    expect(status.latencyMs).toBeLessThan(5_000);
    const hostUptime = Number((await a.sandbox.bash('cut -d" " -f1 /proc/uptime')).stdout);
    expect(Math.abs(status.uptimeSeconds! - hostUptime)).toBeLessThan(30);
    expect(status.loadAverage).toHaveLength(3);
    expect(status.loadAverage!.every((l) => l >= 0)).toBe(true);
  });
});

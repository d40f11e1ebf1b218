/** The run-once wrapper on a real bash in a sandboxed host: a run's effect happens once however often it is retried. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { wrapRunOnce } from '../src/orchestration/run-once-wrapper.js';
import { HostSandbox } from './support/host-sandbox.js';

let host: HostSandbox;
beforeAll(async () => {
  host = await HostSandbox.start('once');
});
afterAll(() => host?.stop());

const effects = async () => (await host.bash('cat /root/effects 2>/dev/null || true')).stdout;

test('a second attempt reports the first one\'s exit code instead of running again', async () => {
  const uid = randomUUID();
  const script = '#!/bin/bash\nset -euo pipefail\necho ran >> /root/effects\necho out\nexit 3\n';
  const first = await host.bash(wrapRunOnce('1', uid, script));
  expect(first).toMatchObject({ code: 3, stdout: 'out\n' });
  const second = await host.bash(wrapRunOnce('1', uid, script));
  expect(second.code).toBe(3);
  expect(second.stderr).toContain('already ran to completion');
  expect(await effects()).toBe('ran\n');
});

test('concurrent attempts: the second waits for the first, then does not run', async () => {
  const uid = randomUUID();
  const script = 'echo start >> /root/effects; sleep 1; echo end >> /root/effects';
  await host.bash('rm -f /root/effects');
  const [a, b] = await Promise.all([host.bash(wrapRunOnce('2', uid, script)), host.bash(wrapRunOnce('2', uid, script))]);
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(await effects()).toBe('start\nend\n');
});

test('the script cannot read the rest of itself from stdin, and a script containing the delimiter style is safe', async () => {
  const uid = randomUUID();
  const script = 'cat > /root/stdin-seen\necho ORCHESTRA_SCRIPT_deadbeef\n';
  const result = await host.bash(wrapRunOnce('3', uid, script));
  expect(result).toMatchObject({ code: 0, stdout: 'ORCHESTRA_SCRIPT_deadbeef\n' });
  expect((await host.bash('cat /root/stdin-seen')).stdout).toBe('');
});

test('different run uids never share markers', async () => {
  await host.bash('rm -f /root/effects');
  const script = 'echo x >> /root/effects';
  await host.bash(wrapRunOnce('4', randomUUID(), script));
  await host.bash(wrapRunOnce('4', randomUUID(), script));
  expect(await effects()).toBe('x\nx\n');
});

test('a dropped connection does not kill the script: it runs to its end, and a retry replays its exit code and output', async () => {
  await host.bash('rm -f /root/effects');
  const uid = randomUUID();
  const script = '#!/bin/bash\nset -euo pipefail\nsleep 0.5\necho "written after the reader left"\necho done >> /root/effects\n';
  // The reader of the output goes away at once, as the channel does when the worker is killed.
  await host.exec(['bash', '-c', 'cat > /root/wrapped.sh && { bash /root/wrapped.sh | true; }'], wrapRunOnce('5', uid, script));
  await host.bash(`until [ -e /var/lib/orchestra/runs/${uid}.exit ]; do sleep 0.1; done`);
  expect(await effects()).toBe('done\n');
  const retry = await host.bash(wrapRunOnce('5', uid, script));
  expect(retry).toMatchObject({ code: 0, stdout: 'written after the reader left\n' });
  expect(retry.stderr).toContain('already ran to completion in an earlier attempt (exit 0)');
  expect(await effects()).toBe('done\n');
});

/**
 * The sandboxed hosts' exec (tests/support/host-sandbox.ts). Regression: a command that exits without reading all its
 * input (a client refused at login, as the database tests expect) made the write of that input fail with EPIPE, which
 * then rejected instead of the command's own exit status and message (seen in tests/databases-on-servers.test.ts under
 * load: "write EPIPE" where "Access denied" was expected).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { systemUsersBackend } from '../src/orchestration/backends/system-users/system-users.backend.js';
import { user } from './support/backend-fixtures.js';
import { HostSandbox } from './support/host-sandbox.js';

let sandbox: HostSandbox;
beforeAll(async () => {
  sandbox = await HostSandbox.start('exec-test');
});
afterAll(() => sandbox?.stop());

test('a command that exits before reading its input rejects with its own exit status and message', async () => {
  const big = 'x'.repeat(32 << 20);
  for (let i = 0; i < 3; i++) {
    await expect(sandbox.exec(['bash', '-c', 'echo denied >&2; exit 3'], big)).rejects.toThrow(/exit 3: denied/);
  }
  // And one that exits 0 without reading resolves.
  await expect(sandbox.exec(['true'], big)).resolves.toEqual({ stdout: '', stderr: '' });
});

test('a command\'s output is all there when its exec resolves, also what arrives after its process exited', async () => {
  // Regression: the exec resolved on the process's exit, before its output streams had been read to their end; under
  // load a read of a file came back empty (tests/orchestration.test.ts, the backlog test's `.ran` files, once in CI).
  // Here the output is still being written by a child after the process exited.
  const ran = await sandbox.bash('echo first; (sleep 0.3; echo late; echo late >&2) & exit 0');
  expect(ran).toEqual({ code: 0, stdout: 'first\nlate\n', stderr: 'late\n' });
  // A daemon that keeps the output open does not hold the exec (it would time the test out): it resolves with what
  // came within its bound.
  const daemon = await sandbox.bash('echo started; (sleep 600; echo never) & exit 0');
  expect(daemon.stdout).toBe('started\n');
  await sandbox.bash('pkill -f "sleep 600" || true');
});

test("hosts number their users apart: deleting one host's user leaves another host's processes alone", async () => {
  // Regression: every host numbered its users from 1000 in one shared process table, so the delete script of one
  // host's user killed another host's process of the same uid (pkill -U), and userdel was refused while one ran
  // ("currently used by process": tests/api-values-on-host.test.ts, with web and deploy tests running alongside).
  const other = await HostSandbox.start('exec-test-b');
  try {
    await sandbox.exec(['useradd', '-m', 'tenant']);
    await other.exec(['useradd', '-m', 'tenant']);
    const uidHere = (await sandbox.exec(['id', '-u', 'tenant'])).stdout.trim();
    const uidThere = (await other.exec(['id', '-u', 'tenant'])).stdout.trim();
    expect(uidHere).not.toBe(uidThere);
    await sandbox.exec(['bash', '-c', 'setsid -f setpriv --reuid=tenant --regid=tenant --clear-groups sleep 300 </dev/null >/dev/null 2>&1']);
    const source = user({ username: 'tenant' });
    const deleted = await other.bash(systemUsersBackend.render([{ operationId: 'op-1', action: 'delete', model: systemUsersBackend.model, objectId: '1', snapshot: systemUsersBackend.snapshot(source) as unknown as Record<string, unknown> }]));
    expect(deleted.stdout).toContain('user tenant: deleted');
    expect((await sandbox.bash(`pgrep -U ${uidHere} -x sleep`)).code).toBe(0);
  } finally {
    await sandbox.bash('pkill -KILL -U "$(id -u tenant)"; true');
    await other.stop();
  }
});

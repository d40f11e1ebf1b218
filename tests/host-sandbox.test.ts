/**
 * The sandboxed hosts' exec (tests/support/host-sandbox.ts). Regression: a command that exits without reading all its
 * input (a client refused at login, as the database tests expect) made the write of that input fail with EPIPE, which
 * then rejected instead of the command's own exit status and message (seen in tests/databases-on-servers.test.ts under
 * load: "write EPIPE" where "Access denied" was expected).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
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

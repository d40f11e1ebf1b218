/**
 * A custom Sieve script is compiled on the API host by Pigeonhole's `sievec` (dovecot-sieve, installed by
 * scripts/setup.sh) before it is saved, with the extensions the servers enable (../../orchestration/backends/
 * dovecot-mailboxes/dovecot.sh: `+editheader`). Its messages (`custom: line 3: error: …`) become the userErrors of the
 * field, so a script the servers would refuse never reaches them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Null when the script compiles, else sievec's error lines (about the script: `custom: line N: error: …`). */
export async function sieveErrors(script: string): Promise<string[] | null> {
  const dir = await mkdtemp(join(tmpdir(), 'orchestra-sieve-'));
  const file = join(dir, 'custom.sieve');
  try {
    await writeFile(file, script);
    await execFileAsync('sievec', ['-x', '+editheader', file, join(dir, 'custom.svbin')], { maxBuffer: 4 << 20 });
    return null;
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err; // not installed, or could not run: not the script's fault
    const lines = `${e.stdout ?? ''}\n${e.stderr ?? ''}`
      .split('\n')
      .map((line) => line.replaceAll(file, 'custom').trim())
      .filter((line) => /^custom: /.test(line) && !/: error: (parse|validation) failed\.$/.test(line));
    return lines.length ? lines : ['the script does not compile'];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

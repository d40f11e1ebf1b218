/**
 * How many processes the most frequent scripts start, counted with strace on a sandboxed host. Most of a small
 * script's CPU is process creation (fork, exec, dynamic loading, NSS), and sshd and the scripts were the largest
 * share of a change's CPU (issue 17): a `$(…)`, a pipeline or an external command added to the common prelude, a
 * save_user or an install_crontab shows here. bench/backend-scripts.ts measures their CPU.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { scriptHead } from '../src/orchestration/backends/backend.js';
import { crontabsBackend } from '../src/orchestration/backends/crontabs/crontabs.backend.js';
import { systemUsersBackend, type SystemUserSource } from '../src/orchestration/backends/system-users/system-users.backend.js';
import { WRITE_IF_CHANGED } from '../src/orchestration/backends/write-if-changed.js';
import { joinShell, sh } from '../src/orchestration/shell/quote.js';
import { renderSave as render, user } from './support/backend-fixtures.js';
import { HostSandbox } from './support/host-sandbox.js';
import { traceScript } from './support/process-trace.js';

let host: HostSandbox;
beforeAll(async () => {
  host = await HostSandbox.start('processes');
});
afterAll(() => host?.stop());

async function run(script: string): Promise<string> {
  const r = await host.exec(['bash', '-s'], script);
  return r.stdout;
}

describe('save_user', () => {
  const alice = (over: Partial<SystemUserSource> = {}) => render(systemUsersBackend, user({ groups: ['bob', 'carol'], ...over }));
  beforeAll(async () => {
    await run(alice());
  });

  test('an existing user, nothing to change: one getent per database, one id, one stat (main: 23 processes)', async () => {
    const r = await traceScript(host, alice());
    expect(r.output).toContain('user alice: up to date');
    // Before session 13: 23 processes, awk 3, getent 5, id 2, paste 2, sort 2, tr 1, realpath 1, stat 1.
    expect(r.programs).toEqual(['getent 3', 'id 1', 'stat 1']);
    expect(r.processes).toBeLessThanOrEqual(5);
  });

  test('a change: usermod and what it starts itself besides (main: 30 processes)', async () => {
    const r = await traceScript(host, alice({ shell: '/dev/null', groups: ['bob'] }));
    expect(r.output).toContain('user alice: changed shell groups');
    expect(r.programs.filter((p) => !/^(nscd|sss_cache) /.test(p))).toEqual(['getent 3', 'id 1', 'stat 1', 'usermod 1']);
    // usermod flushes the name service caches (nscd, sss_cache: up to 7 processes when installed).
    expect(r.processes).toBeLessThanOrEqual(5 + 7);
    await run(alice());
  });
});

describe('install_crontab', () => {
  const crontab = (command: string) => render(crontabsBackend, { systemUsername: 'alice', entries: [{ id: 1, command }] });
  beforeAll(async () => {
    await run(render(systemUsersBackend, user()));
    await run(crontab('echo one'));
  });

  test('a change: getent, crontab -l, crontab (main: 11 processes)', async () => {
    const r = await traceScript(host, crontab('echo two'));
    expect(r.output).toContain('crontab of alice: installed');
    // Before session 13: 11 processes, awk 2, crontab 2, getent 1.
    expect(r.programs).toEqual(['crontab 2', 'getent 1']);
    // The script's bash starts three; crontab forks its own.
    expect(r.processes).toBeLessThanOrEqual(5);
  });

  test('nothing to change: getent and crontab -l (main: 8 processes)', async () => {
    const r = await traceScript(host, crontab('echo two'));
    expect(r.output).toContain('crontab of alice: up to date');
    expect(r.programs).toEqual(['crontab 1', 'getent 1']);
    expect(r.processes).toBeLessThanOrEqual(3);
  });
});

describe('write_if_changed', () => {
  const write = (content: string) => `${joinShell([scriptHead('write_if_changed'), WRITE_IF_CHANGED, sh`write_if_changed /etc/orchestra-test 0640 <<<${content} && echo written || echo unchanged`]).text}\n`;
  const mtime = async () => Number((await run('stat -c %Y /etc/orchestra-test')).trim());

  test('a new content: one program of each, one stat for both mtimes (main: dirname and a second stat)', async () => {
    await run('echo old > /etc/orchestra-test && touch -d "1 hour ago" /etc/orchestra-test');
    const r = await traceScript(host, write('new'));
    expect(r.output).toBe('written\n');
    expect(await run('cat /etc/orchestra-test; stat -c %a /etc/orchestra-test')).toBe('new\n640\n');
    expect(r.programs).toEqual(['cat 1', 'chmod 1', 'cmp 1', 'mktemp 1', 'mv 1', 'stat 1']);
  });

  test('the same content writes nothing; a new one in the old file\'s second is one second newer', async () => {
    await run('echo same > /etc/orchestra-test && touch -d "+1 hour" /etc/orchestra-test');
    const old = await mtime();
    expect(await run(write('same'))).toBe('unchanged\n');
    expect(await mtime()).toBe(old);
    expect(await run(write('diff'))).toBe('written\n');
    expect(await mtime()).toBe(old + 1);
  });
});

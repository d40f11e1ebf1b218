/**
 * Deploying Orchestra's roles on a server (src/deploy/): the scripts run over the SSH pool on a sandboxed host whose
 * /srv is private and which runs Debian's supervisord (socket and logs in the host's private /var/lib/orchestra).
 * The releases are small tarballs with bin/start and bin/health-check: the first really runs under supervisord; a
 * second with a failing health check is rolled back by itself while the first keeps running; `releases` lists both;
 * rollback by name works; bad roles and environments are typed errors.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { deployScript, parseReleases, releasesScript, rollbackScript, setupScript } from '../src/deploy/deploy-scripts.js';
import { deployTarget } from '../src/deploy/deploy-target.js';
import { runDeployScript } from '../src/deploy/run-deploy-script.js';
import { UserInputError } from '../src/errors/user-input-error.js';
import { SshPool } from '../src/orchestration/ssh/ssh-pool.js';
import { pollUntil } from './support/resilience.js';
import { shellcheckScript } from './support/shellcheck.js';
import { startSshHost, testClientKey, type SshHost } from './support/sshd-host.js';

let host: SshHost;
let pool: SshPool;
let work: string;
const target = deployTarget({ role: 'worker', env: 'staging' });

const SUPERVISORD_CONF = `[unix_http_server]
file=/var/lib/orchestra/supervisor.sock
chmod=0700

[supervisord]
logfile=/var/lib/orchestra/supervisord.log
pidfile=/var/lib/orchestra/supervisord.pid
childlogdir=/var/lib/orchestra

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///var/lib/orchestra/supervisor.sock

[include]
files = /etc/supervisor/conf.d/*.conf
`;

beforeAll(async () => {
  host = await startSshHost('deploy1', { emptyDirs: [{ path: '/srv' }] });
  const key = await testClientKey();
  pool = new SshPool({ privateKeyPath: key.privateKeyPath, backoffBaseMs: 100, backoffMaxMs: 1000 });
  await host.sandbox.exec(['bash', '-c', 'mkdir -p /etc/supervisor/conf.d && cat > /etc/supervisor/supervisord.conf && supervisord -c /etc/supervisor/supervisord.conf'], SUPERVISORD_CONF);
  work = await mkdtemp(join(tmpdir(), 'deploy-test-'));
}, 120_000);

afterAll(async () => {
  await host?.sandbox.exec(['bash', '-c', 'supervisorctl shutdown >/dev/null 2>&1 || true']);
  await pool?.close();
  await host?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A release: bin/start records which release runs and stays up; bin/health-check passes only if told to. */
async function release(name: string, healthy: boolean): Promise<Buffer> {
  const dir = join(work, name);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'bin/start'), '#!/bin/bash\nbasename "$(pwd -P)" > "$ORCHESTRA_SHARED/running"\nexec sleep 1000000\n', { mode: 0o755 });
  await writeFile(
    join(dir, 'bin/health-check'),
    healthy ? '#!/bin/bash\n[ "$(cat "$ORCHESTRA_SHARED/running")" = "$(basename "$(pwd -P)")" ]\n' : '#!/bin/bash\necho "not healthy" >&2\nexit 1\n',
    { mode: 0o755 },
  );
  const tarball = join(work, `${name}.tar.gz`);
  await promisify(execFile)('tar', ['-czf', tarball, '-C', dir, '.']);
  return readFile(tarball);
}

const run = (script: string) => runDeployScript(pool, host.endpoint, script, 180_000);
const onHost = async (script: string) => (await host.sandbox.exec(['bash', '-c', script])).stdout.trim();
const running = () => onHost(`cat ${target.root}/shared/running 2>/dev/null || true`);
const releases = async () => parseReleases((await run(releasesScript(target))).stdout);

test('the scripts pass shellcheck', async () => {
  for (const script of [setupScript(target), deployScript(target, '20261129T140000Z', Buffer.from('x')), rollbackScript(target, null), releasesScript(target)]) {
    expect(shellcheckScript(script).findings).toBe('');
  }
});

test('setup: the layout, the user and the supervisor program; a second setup changes nothing', async () => {
  const first = await run(setupScript(target));
  expect(first).toMatchObject({ ok: true });
  expect(first.stdout).toContain('supervisor program orchestra-staging-worker written');
  expect(await onHost(`stat -c '%U %a' ${target.root}/releases ${target.root}/shared`)).toBe('orchestra 750\norchestra 750');
  expect(await onHost('getent passwd orchestra | cut -d: -f7')).toBe('/usr/sbin/nologin');
  expect(await onHost('cat /etc/supervisor/conf.d/orchestra-staging-worker.conf')).toContain(`command=${target.root}/current/bin/start`);
  const second = await run(setupScript(target));
  expect(second.ok).toBe(true);
  expect(second.stdout).not.toContain('written');
}, 120_000);

test('deploy: the release runs under supervisord; a failing one is rolled back by itself; releases lists both; rollback by name', async () => {
  const first = await run(deployScript(target, '20261129T140000Z', await release('good', true), { healthSeconds: 30 }));
  expect(first).toMatchObject({ ok: true });
  expect(await running()).toBe('20261129T140000Z');
  expect(await onHost('supervisorctl status orchestra-staging-worker')).toMatch(/RUNNING/);
  const pid = await onHost('supervisorctl pid orchestra-staging-worker');
  expect(await onHost(`ps -o user= -p ${pid}`)).toBe('orchestra');

  const bad = await run(deployScript(target, '20261129T150000Z', await release('bad', false), { healthSeconds: 5 }));
  expect(bad.ok).toBe(false);
  expect(bad.stderr).toContain('20261129T150000Z failed its health check: rolled back to 20261129T140000Z');
  expect(await onHost(`readlink ${target.root}/current`)).toBe('releases/20261129T140000Z');
  await pollUntil('the first release running again', running, (r) => r === '20261129T140000Z');
  expect(await releases()).toEqual([
    { name: '20261129T140000Z', current: true, failed: false },
    { name: '20261129T150000Z', current: false, failed: true },
  ]);

  const third = await run(deployScript(target, '20261129T160000Z', await release('good2', true), { healthSeconds: 30 }));
  expect(third.ok).toBe(true);
  expect(await running()).toBe('20261129T160000Z');
  // Without a name: the last good release before the current one (the failed one is skipped).
  const back = await run(rollbackScript(target, null, { healthSeconds: 30 }));
  expect(back).toMatchObject({ ok: true, stdout: expect.stringContaining('rolled back to 20261129T140000Z') });
  expect(await running()).toBe('20261129T140000Z');
  const named = await run(rollbackScript(target, '20261129T160000Z', { healthSeconds: 30 }));
  expect(named.ok).toBe(true);
  expect(await running()).toBe('20261129T160000Z');
  expect((await releases()).map((r) => `${r.name}${r.current ? ' current' : ''}`)).toEqual(['20261129T140000Z', '20261129T150000Z', '20261129T160000Z current']);
}, 300_000);

test('old releases beyond the number kept are removed, never the current one', async () => {
  const kept = await run(deployScript(target, '20261129T170000Z', await release('good3', true), { healthSeconds: 30, keep: 2 }));
  expect(kept.ok).toBe(true);
  expect((await releases()).map((r) => r.name)).toEqual(['20261129T160000Z', '20261129T170000Z']);
}, 120_000);

test('an unknown role or environment is a typed error, before anything runs', () => {
  expect(() => deployTarget({ role: 'db', env: 'staging' })).toThrow(UserInputError);
  try {
    deployTarget({ role: 'db', env: 'qa' });
  } catch (err) {
    expect((err as UserInputError).errors.map((e) => e.field)).toEqual(['input.role', 'input.env']);
  }
});

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
import { runHealthCheck } from '../src/temporal/health-check.js';
import type { SshPool } from '../src/orchestration/ssh/ssh-pool.js';
import { CreateApiTokenDocument, DeployOrchestraDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { pollUntil } from './support/resilience.js';
import { shellcheckScript } from './support/shellcheck.js';
import { testClientKey, type SshHost } from './support/sshd-host.js';

let h: OrchestraHarness;
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
  h = await startOrchestraHarness([{ name: 'deploy1', emptyDirs: [{ path: '/srv' }] }]);
  host = h.hosts.deploy1;
  pool = h.runner;
  await h.addServer('deploy1', []);
  await h.startWorker();
  await host.sandbox.exec(['bash', '-c', 'mkdir -p /etc/supervisor/conf.d && cat > /etc/supervisor/supervisord.conf && supervisord -c /etc/supervisor/supervisord.conf'], SUPERVISORD_CONF);
  work = await mkdtemp(join(tmpdir(), 'deploy-test-'));
}, 120_000);

afterAll(async () => {
  await host?.sandbox.exec(['bash', '-c', 'supervisorctl shutdown >/dev/null 2>&1 || true']);
  await h?.close();
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

test('GraphQL (admins): each action is a workflow; deploy from a tarball on the worker host, releases, rollback by name', async () => {
  const serverId = h.serverIds.deploy1;
  const tarball = join(work, 'graphql-release.tar.gz');
  await writeFile(tarball, await release('graphql', true));
  const deployed = await h.admin.data(DeployOrchestraDocument, { input: { action: 'DEPLOY', serverId, role: 'worker', env: 'staging', releasePath: tarball } });
  expect(deployed.deployOrchestra.userErrors).toEqual([]);
  const run = deployed.deployOrchestra.run!;
  expect(run).toMatchObject({ ok: true, exitCode: 0 });
  expect(run.workflowUrl).toContain(encodeURIComponent(run.workflowId));
  const current = run.releases.find((r) => r.current)!;
  expect(current.name).toMatch(/^\d{8}T\d{6}Z$/);
  expect(await running()).toBe(current.name);
  const back = await h.admin.data(DeployOrchestraDocument, { input: { action: 'ROLLBACK', serverId, role: 'worker', env: 'staging', release: '20261129T170000Z' } });
  expect(back.deployOrchestra.run).toMatchObject({ ok: true });
  expect(await running()).toBe('20261129T170000Z');
  const listed = await h.admin.data(DeployOrchestraDocument, { input: { action: 'RELEASES', serverId, role: 'worker', env: 'staging' } });
  expect(listed.deployOrchestra.run!.releases.map((r) => `${r.name}${r.current ? ' current' : ''}`)).toEqual(
    [current.name, '20261129T160000Z', '20261129T170000Z current'].sort(),
  );
}, 300_000);

test('bad input over GraphQL (unknown role or environment, unknown server, missing tarball, bad release name) is userErrors, and no workflow starts', async () => {
  const serverId = h.serverIds.deploy1;
  const cases: [Record<string, unknown>, string[]][] = [
    [{ action: 'SETUP', serverId, role: 'db', env: 'qa' }, ['input.role', 'input.env']],
    [{ action: 'SETUP', serverId: 'U2VydmVyOjk5OTk5', role: 'api', env: 'prod' }, ['input.serverId']],
    [{ action: 'DEPLOY', serverId, role: 'api', env: 'prod' }, ['input.releasePath']],
    [{ action: 'DEPLOY', serverId, role: 'api', env: 'prod', releasePath: '/nonexistent/release.tar.gz' }, ['input.releasePath']],
    [{ action: 'ROLLBACK', serverId, role: 'api', env: 'prod', release: '../../etc' }, ['input.release']],
  ];
  for (const [input, fields] of cases) {
    const result = await h.admin.data(DeployOrchestraDocument, { input: input as never });
    expect({ input, fields: result.deployOrchestra.userErrors.map((e) => e.field), run: result.deployOrchestra.run }).toEqual({ input, fields, run: null });
  }
  expect(await onHost('ls /srv/orchestra')).toBe('staging');
});

test('the CLI: npm run deploy -- releases and rollback by name, over the API; an unknown role is refused', async () => {
  const created = await h.admin.data(CreateApiTokenDocument, { input: { name: 'deploy cli' } });
  const token = created.createApiToken.token!;
  const root = join(import.meta.dirname, '..');
  const cli = async (args: string[]) => {
    const env = { ...process.env, ORCHESTRA_API_URL: h.api.url, ORCHESTRA_TOKEN: token };
    try {
      const { stdout, stderr } = await promisify(execFile)(join(root, 'node_modules/.bin/node'), ['--import', './scripts/register.js', 'src/bin/deploy.ts', ...args], { cwd: root, env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const back = await cli(['rollback', '--role', 'worker', '--host', 'deploy1', '--env', 'staging', '--release', '20261129T160000Z']);
  expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: '' });
  expect(back.stdout).toContain('rolled back to 20261129T160000Z');
  expect(await running()).toBe('20261129T160000Z');
  const listed = await cli(['releases', '--role', 'worker', '--host', 'deploy1', '--env', 'staging']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/^20261129T160000Z current$/m);
  const refused = await cli(['setup', '--role', 'db', '--host', 'deploy1', '--env', 'staging']);
  expect({ code: refused.code, stderr: refused.stderr.trim() }).toEqual({ code: 2, stderr: 'input.role: must be one of api, worker (INVALID)' });
}, 180_000);

test('a worker release of this repository under supervisord connects to the test Temporal: its health check runs a workflow it answers', async () => {
  const prod = deployTarget({ role: 'worker', env: 'prod' });
  expect((await run(setupScript(prod))).ok).toBe(true);
  // The operator's part: the environment's settings in shared/env. The release's code is this checkout (a test
  // release cannot carry node_modules); its own task queue, so no other worker can answer its health check.
  const taskQueue = `deploy-health-${Date.now()}`;
  // The checkout may sit in a private directory (a root's home, 0700) the deploy user cannot pass through: the host
  // sees it bind-mounted at a path of its own instead.
  const code = '/var/lib/orchestra/code';
  await host.sandbox.exec(['bash', '-c', 'mkdir -p "$1" && mount --bind "$2" "$1"', '-', code, join(import.meta.dirname, '..')]);
  const key = await readFile((await testClientKey()).privateKeyPath, 'utf8');
  const env = [
    `DATABASE_URL=${h.config.databaseUrl}`,
    `TEMPORAL_ADDRESS=${h.config.temporalAddress}`,
    `TEMPORAL_NAMESPACE=${h.config.temporalNamespace}`,
    `TEMPORAL_TASK_QUEUE=${taskQueue}`,
    `ORCHESTRA_TOKEN_SECRET=${'s'.repeat(40)}`,
    `ORCHESTRA_SSH_KEY=${prod.root}/shared/id_ed25519`,
    `ORCHESTRA_CODE=${code}`,
    'LOG_LEVEL=warn',
  ].join('\n');
  await host.sandbox.exec(['bash', '-c', `umask 077 && cat > ${prod.root}/shared/env && chown orchestra: ${prod.root}/shared/env`], `${env}\n`);
  await host.sandbox.exec(['bash', '-c', `umask 077 && cat > ${prod.root}/shared/id_ed25519 && chown orchestra: ${prod.root}/shared/id_ed25519`], key);
  const dir = join(work, 'worker-release');
  await mkdir(dir, { recursive: true });
  await promisify(execFile)('cp', ['-r', join(import.meta.dirname, '../src/deploy/release-bin'), join(dir, 'bin')]);
  const tarball = join(work, 'worker-release.tar.gz');
  await promisify(execFile)('tar', ['-czf', tarball, '-C', dir, '.']);
  const deployed = await runDeployScript(pool, host.endpoint, deployScript(prod, '20261129T180000Z', await readFile(tarball), { healthSeconds: 300 }), 400_000);
  const log = deployed.ok ? '' : `${deployed.stderr.slice(-3000)}\n${await onHost(`tail -40 ${prod.root}/shared/worker.log`)}`;
  expect({ ok: deployed.ok, log }).toEqual({ ok: true, log: '' });
  const pid = await onHost('supervisorctl pid orchestra-prod-worker');
  expect(await onHost(`ps -o user= -p ${pid}`)).toBe('orchestra');
  // The deployed worker (its identity is pid@hostname: the sandboxed host's name) answers a health check.
  const result = await runHealthCheck(h.temporal, taskQueue);
  expect(result.workerIdentity).toMatch(/@deploy1$/);
  expect(result.database).toMatch(/^PostgreSQL/);
}, 600_000);

test('an unknown role or environment is a typed error, before anything runs', () => {
  expect(() => deployTarget({ role: 'db', env: 'staging' })).toThrow(UserInputError);
  try {
    deployTarget({ role: 'db', env: 'qa' });
  } catch (err) {
    expect((err as UserInputError).errors.map((e) => e.field)).toEqual(['input.role', 'input.env']);
  }
});

/**
 * standUpAccount and tearDownAccount end to end on real servers: the API, one transaction through the services' use
 * cases, the outbox, Temporal (the waiting workflow and the server queues), SSH, and the backends' scripts on two
 * sandboxed hosts — web1 with PostgreSQL 15 (tests/support/database-servers.ts), web2 without. READY comes only
 * when the hosts have what the description says; a failing command on one host is FAILED naming its operation;
 * a slow one is TIMED_OUT naming it as pending; the same description again changes nothing; a tear-down leaves
 * nothing of the account on any host.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Account } from '../src/entities/accounts/account.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { AccountSearchAttribute } from '../src/temporal/search-attributes.js';
import { setupDescriptionSchema } from '../src/standup/setup-description.js';
import { AccountSetupRunDocument, AccountSetupSchemaDocument, CreateApiTokenDocument, StandUpAccountDocument, TearDownAccountDocument } from './generated/graphql.js';
import { DATABASE_HOST_DIRS, startPostgresql, type DatabaseServer } from './support/database-servers.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { installStub, passwdEntry, pollUntil, removeStub } from './support/resilience.js';
import type { SshHost } from './support/sshd-host.js';

let h: OrchestraHarness;
let postgres: DatabaseServer;

beforeAll(async () => {
  h = await startOrchestraHarness([{ name: 'web1', emptyDirs: DATABASE_HOST_DIRS }, 'web2']);
  postgres = await startPostgresql(h.hosts.web1.sandbox);
  await h.addServer('web1', ['system-users', 'crontabs', 'postgresql-users', 'postgresql-databases']);
  await h.addServer('web2', ['system-users']);
  await h.startWorker();
}, 240_000);

afterAll(async () => {
  await h?.stopWorker();
  await postgres?.stop();
  await h?.close();
});

const DB_PASSWORD = 'a database password';

/** The description the tests apply (and change). */
function acme(minute = '*/5') {
  return {
    account: { username: 'acme', type: 'COMPANY', fullName: 'ACME Ltd', password: 'acme main password' },
    systemUsers: [{ username: 'acme_ftp', shell: 'NOLOGIN', password: 'ftp user password' }],
    crontabs: [{ systemUser: 'acme', minute, command: 'echo "$(date)" >> ~/tick.log', description: 'tick' }],
    databaseUsers: [{ type: 'POSTGRESQL', username: 'acme_app', password: DB_PASSWORD }],
    databases: [{ type: 'POSTGRESQL', name: 'acme_shop', users: ['acme_app'] }],
  };
}

async function sh(host: SshHost, script: string): Promise<string> {
  return (await host.sandbox.exec(['bash', '-c', script])).stdout.trim();
}

const crontabOf = (host: SshHost, user: string) => sh(host, `crontab -l -u ${user} 2>/dev/null || true`);

async function standUp(description: Record<string, unknown>, options: { timeoutSeconds?: number; wait?: boolean } = {}) {
  const r = await h.admin.data(StandUpAccountDocument, { input: { description, ...options } });
  return r.standUpAccount;
}

test('stands up an account with a system user, a crontab and a PostgreSQL database: READY once the hosts have them', async () => {
  const result = await standUp(acme());
  expect(result.userErrors).toEqual([]);
  const run = result.setupRun!;
  expect(run.status).toBe('READY');
  expect(run.action).toBe('STAND_UP');
  expect(run.failedOperations).toEqual([]);
  expect(run.pendingOperations).toEqual([]);
  expect(run.operations.map((o) => `${o.server!.name}:${o.backend}:${o.objectLabel}:${o.state}`).sort()).toEqual([
    'web1:crontabs:acme: tick:SUCCESS',
    'web1:postgresql-databases:acme_shop (postgresql):SUCCESS',
    'web1:postgresql-users:acme_app (postgresql):SUCCESS',
    'web1:system-users:acme:SUCCESS',
    'web1:system-users:acme_ftp:SUCCESS',
    'web2:system-users:acme:SUCCESS',
    'web2:system-users:acme_ftp:SUCCESS',
  ]);
  // When READY is answered, the hosts have everything.
  for (const host of [h.hosts.web1, h.hosts.web2]) {
    expect(await passwdEntry(host, 'acme')).toMatch(/^acme:/);
    expect(await passwdEntry(host, 'acme_ftp')).toMatch(/^acme_ftp:/);
  }
  expect(await crontabOf(h.hosts.web1, 'acme')).toContain('*/5 * * * * echo "$(date)" >> ~/tick.log');
  expect(await postgres.login('acme_app', DB_PASSWORD, 'acme_shop', 'SELECT current_database();')).toContain('acme_shop');

  // The waiting workflow carries the account's search attribute, and its outcome can be read again by id.
  const described = await h.temporal.workflow.getHandle(run.id).describe();
  expect(described.typedSearchAttributes.get(AccountSearchAttribute)).toEqual(['acme']);
  const again = await h.admin.data(AccountSetupRunDocument, { id: run.id });
  expect(again.accountSetupRun).toMatchObject({ id: run.id, status: 'READY', accountUsername: 'acme' });
  expect(again.accountSetupRun.operations).toHaveLength(7);
}, 300_000);

test('applying the same description again changes nothing: no operation, READY at once', async () => {
  const before = await h.orm.em.fork().count(Operation);
  const result = await standUp(acme());
  expect(result.userErrors).toEqual([]);
  expect(result.operations).toEqual([]);
  expect(result.setupRun).toMatchObject({ status: 'READY', operations: [] });
  expect(await h.orm.em.fork().count(Operation)).toBe(before);
}, 120_000);

test('a changed field updates only its object', async () => {
  const result = await standUp(acme('*/10'));
  expect(result.userErrors).toEqual([]);
  expect(result.setupRun!.status).toBe('READY');
  expect(result.setupRun!.operations.map((o) => `${o.server!.name}:${o.backend}:${o.objectLabel}:${o.state}`)).toEqual(['web1:crontabs:acme: tick:SUCCESS']);
  expect(await crontabOf(h.hosts.web1, 'acme')).toContain('*/10 * * * * echo');
}, 120_000);

test('a command failing on one host: FAILED, naming the failed operation', async () => {
  await installStub(h.hosts.web2, 'useradd', '#!/bin/sh\necho "useradd: injected failure" >&2\nexit 1\n');
  try {
    const result = await standUp({ account: { username: 'brokenco', password: 'brokenco password' } });
    expect(result.userErrors).toEqual([]);
    const run = result.setupRun!;
    expect(run.status).toBe('FAILED');
    expect(run.failedOperations.map((o) => `${o.server!.name}:${o.backend}:${o.action}:${o.objectLabel}:${o.state}`)).toEqual(['web2:system-users:save:brokenco:FAILURE']);
    expect(run.operations.find((o) => o.server!.name === 'web1')!.state).toBe('SUCCESS');
    expect(await passwdEntry(h.hosts.web1, 'brokenco')).toMatch(/^brokenco:/);
    expect(await passwdEntry(h.hosts.web2, 'brokenco')).toBe('');
  } finally {
    await removeStub(h.hosts.web2, 'useradd');
  }
}, 180_000);

test('a set-up slower than its timeout: TIMED_OUT with the pending operation; the outcome is fetched later by id', async () => {
  // The host's useradd waits for a file the test creates only after the timeout.
  await installStub(h.hosts.web2, 'useradd', '#!/bin/sh\nwhile [ ! -e /root/go-on ]; do sleep 0.2; done\nexec /usr/sbin/useradd "$@"\n');
  try {
    const started = await standUp({ account: { username: 'slowco', password: 'slowco password' } }, { timeoutSeconds: 3, wait: false });
    expect(started.userErrors).toEqual([]);
    expect(started.setupRun!.status).toBe('RUNNING');
    const id = started.setupRun!.id;
    const ended = await pollUntil('the timeout', async () => (await h.admin.data(AccountSetupRunDocument, { id })).accountSetupRun, (r) => r.status !== 'RUNNING');
    expect(ended.status).toBe('TIMED_OUT');
    expect(ended.pendingOperations.map((o) => `${o.server!.name}:${o.backend}:${o.objectLabel}`)).toEqual(['web2:system-users:slowco']);
    expect(ended.failedOperations).toEqual([]);
  } finally {
    await sh(h.hosts.web2, 'touch /root/go-on');
    await h.settle({ accountUsername: 'slowco' }, 2, 120_000);
    await removeStub(h.hosts.web2, 'useradd');
  }
}, 240_000);

test('a malformed description or timeout is a typed userError, and nothing is created or started', async () => {
  const em = h.orm.em.fork();
  const before = await em.count(Operation);
  const cases: [Record<string, unknown>, { field: string; code: string }[]][] = [
    [{}, [{ field: 'input.description.account', code: 'REQUIRED' }]],
    [{ account: { username: 'badco' }, webApps: [] }, [{ field: 'input.description.webApps', code: 'INVALID' }]],
    [{ account: { username: 'badco' }, systemUsers: [{ username: 'badco_x', shell: 'ZSH' }] }, [{ field: 'input.description.systemUsers[0].shell', code: 'INVALID' }]],
    [{ account: { username: 'badco' }, crontabs: [{ systemUser: 'badco' }] }, [{ field: 'input.description.crontabs[0].command', code: 'REQUIRED' }]],
    // Valid for the schema, refused by the use case: reported at the item's path.
    [{ account: { username: 'badco' }, crontabs: [{ systemUser: 'badco', minute: '61', command: 'true' }] }, [{ field: 'input.description.crontabs[0].minute', code: 'INVALID' }]],
    [{ account: { username: 'badco' }, crontabs: [{ systemUser: 'nobody_here', command: 'true' }] }, [{ field: 'input.description.crontabs[0].systemUser', code: 'INVALID' }]],
    [{ account: { username: 'badco' }, systemUsers: [{ username: 'badco_a' }, { username: 'badco_a' }] }, [{ field: 'input.description.systemUsers[1]', code: 'TAKEN' }]],
  ];
  for (const [description, errors] of cases) {
    const result = await standUp(description);
    expect({ description, errors: result.userErrors.map(({ field, code }) => ({ field, code })) }).toEqual({ description, errors });
    expect(result.setupRun).toBeNull();
  }
  const badTimeout = await standUp({ account: { username: 'badco' } }, { timeoutSeconds: 0 });
  expect(badTimeout.userErrors.map((e) => e.field)).toEqual(['input.timeoutSeconds']);
  // The schema the errors come from is published.
  expect((await h.admin.data(AccountSetupSchemaDocument, {})).accountSetupSchema).toEqual(setupDescriptionSchema());
  expect(await em.count(Account, { username: 'badco' })).toBe(0);
  expect(await em.count(Operation)).toBe(before);
  const runs = h.temporal.workflow.list({ query: `OrchestraAccounts = 'badco'` });
  for await (const run of runs) throw new Error(`a workflow was started for a refused stand-up: ${run.workflowId}`);
}, 120_000);

test('tear down: everything in dependency order, READY once no host has anything of the account', async () => {
  const account = await h.orm.em.fork().findOneOrFail(Account, { username: 'acme' });
  const r = await h.admin.data(TearDownAccountDocument, { input: { id: toGlobalId('Account', account.id) } });
  const result = r.tearDownAccount;
  expect(result.userErrors).toEqual([]);
  expect(result.setupRun!.status).toBe('READY');
  expect(result.setupRun!.action).toBe('TEAR_DOWN');
  expect(result.setupRun!.operations.every((o) => o.action === 'delete' && o.state === 'SUCCESS')).toBe(true);
  for (const host of [h.hosts.web1, h.hosts.web2]) {
    expect(await passwdEntry(host, 'acme')).toBe('');
    expect(await passwdEntry(host, 'acme_ftp')).toBe('');
    expect(await sh(host, 'ls -A /home')).not.toMatch(/acme/);
  }
  expect(await crontabOf(h.hosts.web1, 'acme')).toBe('');
  expect(await postgres.superuser("SELECT count(*) FROM pg_roles WHERE rolname = 'acme_app';")).toMatch(/\b0\b/);
  expect(await postgres.superuser("SELECT count(*) FROM pg_database WHERE datname = 'acme_shop';")).toMatch(/\b0\b/);

  const missing = await h.admin.data(TearDownAccountDocument, { input: { id: toGlobalId('Account', account.id) } });
  expect(missing.tearDownAccount.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  expect(missing.tearDownAccount.setupRun).toBeNull();
}, 240_000);

/** Runs one of the command-line tools against the test API with an API token; resolves with its exit code and output. */
async function cli(tool: 'standup' | 'teardown', args: string[], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = join(import.meta.dirname, '..');
  const env = { ...process.env, ORCHESTRA_API_URL: h.api.url, ORCHESTRA_TOKEN: token };
  try {
    const { stdout, stderr } = await promisify(execFile)(join(root, 'node_modules/.bin/node'), ['--import', './scripts/register.js', `src/bin/${tool}.ts`, ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('the CLI: standup shows each operation per server and exits 0 when READY; teardown by username leaves the hosts clean', async () => {
  const created = await h.admin.data(CreateApiTokenDocument, { input: { name: 'standup cli' } });
  const token = created.createApiToken.token!;
  const dir = await mkdtemp(join(tmpdir(), 'standup-'));
  try {
    const file = join(dir, 'clico.json');
    await writeFile(file, JSON.stringify({ account: { username: 'clico', password: 'clico password' }, crontabs: [{ systemUser: 'clico', command: 'true' }] }));
    const up = await cli('standup', [file], token);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: '' });
    expect(up.stdout).toMatch(/^web1 +system-users +save +clico +SUCCESS$/m);
    expect(up.stdout).toMatch(/^web2 +system-users +save +clico +SUCCESS$/m);
    expect(up.stdout).toMatch(/^web1 +crontabs +save +clico: true +SUCCESS$/m);
    expect(up.stdout).toMatch(/^READY: 3 operations/m);
    expect(await passwdEntry(h.hosts.web2, 'clico')).toMatch(/^clico:/);

    // Bad input: a file that is not JSON, a malformed description; exit 2, nothing created.
    await writeFile(join(dir, 'broken.json'), '{ "account": ');
    const broken = await cli('standup', [join(dir, 'broken.json')], token);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('broken.json');
    await writeFile(join(dir, 'malformed.json'), JSON.stringify({ account: {} }));
    const malformed = await cli('standup', [join(dir, 'malformed.json')], token);
    expect({ code: malformed.code, stderr: malformed.stderr.trim() }).toEqual({ code: 2, stderr: 'input.description.account.username: is required (REQUIRED)' });

    const down = await cli('teardown', ['clico'], token);
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: '' });
    expect(down.stdout).toMatch(/^web2 +system-users +delete +clico +SUCCESS$/m);
    expect(down.stdout).toMatch(/^READY: 3 operations/m);
    for (const host of [h.hosts.web1, h.hosts.web2]) expect(await passwdEntry(host, 'clico')).toBe('');
    expect(await crontabOf(h.hosts.web1, 'clico')).toBe('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 240_000);

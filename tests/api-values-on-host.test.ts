/**
 * A value the API accepts must never make a server reject the object's whole configuration. Tricky and hostile
 * values go through the API (account names, system users' names, homes, groups and passwords, crontab commands);
 * each is either refused as userErrors, with nothing written, or the scripts its operations wrote to the outbox run
 * on a real host (a HostSandbox: real useradd, usermod, crontab) and succeed, in commit order.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Route } from '../src/entities/orchestration/route.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import {
  CreateAccountDocument, CreateCrontabDocument, CreateSystemUserDocument, DeleteAccountDocument, UpdateSystemUserDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { HostSandbox } from './support/host-sandbox.js';

let h: ApiHarness;
let host: HostSandbox;
let lastRun = '0';
let counter = 0;

beforeAll(async () => {
  h = await startApiHarness();
  host = await HostSandbox.start('api-values');
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'values1', address: '192.0.2.10' });
  em.create(Route, { backend: 'system-users', server, match: '' });
  em.create(Route, { backend: 'crontabs', server, match: '' });
  await em.flush();
});
afterAll(async () => {
  await host?.stop();
  await h?.close();
});

/** Runs the scripts written since the last call on the host, in commit order; returns the failures. */
async function runNewScripts(): Promise<string[]> {
  const runs = await h.orm.em.fork().find(ScriptRun, { id: { $gt: lastRun } }, { orderBy: { id: 'asc' } });
  const failures: string[] = [];
  for (const run of runs) {
    lastRun = run.id;
    if (run.script === '') continue;
    const r = await host.bash(run.script);
    if (r.code !== 0) failures.push(`${run.backend} exit ${r.code}: ${r.stderr.trim()}`);
  }
  return failures;
}

type Payload = { userErrors: readonly { field: string }[] } | null | undefined;

/** Refused as userErrors (then nothing ran), or accepted and every script it wrote succeeds on the host. */
async function expectRefusedOrApplied(value: unknown, result: { data?: unknown; errors?: readonly unknown[] }): Promise<'refused' | 'applied'> {
  const payload = Object.values((result.data ?? {}) as Record<string, Payload>)[0];
  const outcome = {
    value,
    errors: result.errors ?? [],
    failures: await runNewScripts(),
  };
  expect(outcome).toEqual({ value, errors: [], failures: [] });
  return payload!.userErrors.length ? 'refused' : 'applied';
}

/** Names of the host's system users and groups (uid or gid below 1000) and names valid in every other way. */
const NAMES = [
  'users', 'crontab', 'ssl-cert', 'systemd-journal', 'systemd-coredump', 'tty', 'disk', 'plugdev', 'polkitd', 'vmail', 'kvm', 'input',
  'render', 'netdev', 'src', 'utmp', 'sasl', 'fax', 'voice', 'tape', 'dip', 'postgres', 'a.', 'a..b', 'q-', 'a.b-c_d', 'z'.repeat(32),
  'Upper', '-opt', 'a b', 'ünï', '1abc', 'x'.repeat(33), 'a\tb', 'a\nb',
];

describe('account names (each the name of the account\'s main system user)', () => {
  test.each(NAMES)('%j: created, then deleted', async (username) => {
    const created = await h.admin.request(CreateAccountDocument, { input: { username, password: 'a long password' } });
    if ((await expectRefusedOrApplied(username, created)) === 'refused') return;
    const account = (created.data as { createAccount: { account: { id: string; username: string } } }).createAccount.account;
    expect((await host.bash(`getent passwd -- '${account.username}' | cut -d: -f6`)).stdout.trim()).toBe(`/home/${account.username}`);
    await expectRefusedOrApplied(username, await h.admin.request(DeleteAccountDocument, { id: account.id }));
    expect((await host.bash(`getent passwd -- '${account.username}'`)).code).toBe(2);
  });
});

describe('system users of an account', () => {
  let accountId: string;
  let mainUsername: string;
  beforeAll(async () => {
    const created = await h.admin.data(CreateAccountDocument, { input: { username: 'valco', password: 'a long password' } });
    accountId = created.createAccount.account!.id;
    mainUsername = created.createAccount.account!.username;
    expect(await runNewScripts()).toEqual([]);
  });

  test.each(NAMES)('username %j', async (username) => {
    const result = await h.admin.request(CreateSystemUserDocument, { input: { accountId, username } });
    await expectRefusedOrApplied(username, result);
  });

  test.each([
    '/home/valco/-x', '/home/valco/a@b+c', '/home/valco/.hidden', '/home/valco/x.', `/home/valco/${'y'.repeat(188)}`, '/home/valco/a/b/c',
    '/home/valco/a b', '/home/valco/../etc', '/home/valco//x', '/home/valco/x/', '/home/valco', '/etc', '/home/valco/\u00e9', `/home/valco/${'y'.repeat(189)}`,
  ])('home %j', async (home) => {
    const username = `home${++counter}`;
    const result = await h.admin.request(CreateSystemUserDocument, { input: { accountId, username, home } });
    await expectRefusedOrApplied(home, result);
  });

  test.each([
    'a long password', `$(touch /tmp/pwn) '"\` \\ ;|&`, 'ünïcødé 🔑 passphrase', 'x'.repeat(256), 'x'.repeat(257), 'short', 'with\ttab123',
    'with\nnewline', 'with\rcr12345', 'nul\u0000byte1234', 'esc\u001b[31mred', 'del\u007fchar12', 'ls\u2028separator', 'bad \ud800 surrogate',
  ])('password %j', async (password) => {
    const username = `password${++counter}`;
    const created = await h.admin.request(CreateSystemUserDocument, { input: { accountId, username, password } });
    if ((await expectRefusedOrApplied(password, created)) === 'refused') return;
    const id = (created.data as { createSystemUser: { systemUser: { id: string } } }).createSystemUser.systemUser.id;
    await expectRefusedOrApplied(password, await h.admin.request(UpdateSystemUserDocument, { input: { id, password: `${password}!` } }));
  });

  test.each([[['valco']], [['users']], [['nobody-here']], [['a..b']]])('groups %j', async (groups) => {
    const username = `groups${++counter}`;
    const result = await h.admin.request(CreateSystemUserDocument, { input: { accountId, username, groups } });
    await expectRefusedOrApplied(groups, result);
  });

  test.each([
    '*', '* x', '*/5 x', 'x *', '@reboot x', '5 echo', '-x', '#', '%', '100%', '\\', 'a\\\\b', '\\%', 'A=B', 'echo a\tb', 'ünïcødé 日本 🔑',
    "'; touch /tmp/x; '", '$(id) `id`', 'x'.repeat(998), 'x'.repeat(999), '%'.repeat(499), '%'.repeat(500), 'é'.repeat(499), 'a\rb', '\u00a0*',
  ])('crontab command %j', async (command) => {
    const result = await h.admin.request(CreateCrontabDocument, { input: { systemUserId: await mainUserId(), command } });
    await expectRefusedOrApplied(command, result);
  });

  async function mainUserId(): Promise<string> {
    const user = await h.orm.em.fork().findOneOrFail(SystemUser, { username: mainUsername });
    return toGlobalId('SystemUser', user.id);
  }

  test('the whole account is deleted from the host: every script succeeds', async () => {
    await expectRefusedOrApplied('delete', await h.admin.request(DeleteAccountDocument, { id: accountId }));
    expect((await host.bash('getent passwd valco')).code).toBe(2);
  });
});

/**
 * System users over real HTTP: CRUD, every rule of inventory §2.2 (username, home, shell, groups, password), each
 * rejection with its field and code and nothing written; the password never leaves as anything but its hash.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { AuditEntry } from '../src/entities/audit/audit-entry.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import {
  CreateSystemUserDocument, CrontabDocument, DeleteSystemUserDocument, DisableSystemUserDocument, EnableSystemUserDocument,
  SystemUserDocument, SystemUserNodeDocument, SystemUsersDocument, UpdateSystemUserDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { crontabFor, mainSystemUser, systemUserFor } from './support/service-fixtures.js';

const SYSTEM_PASSWORD = 'sys-Passw0rd $(x) `y` \'z"';

let h: ApiHarness;
let alpha: { accountId: string; client: GraphQLClient; mainId: string };
let bravo: { accountId: string; client: GraphQLClient; mainId: string };

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'alpha');
  const b = await accountWithUser(h.admin, 'bravo');
  alpha = { accountId: a.account.id, client: a.client, mainId: (await mainSystemUser(h.orm, a.account.id)).id };
  bravo = { accountId: b.account.id, client: b.client, mainId: (await mainSystemUser(h.orm, b.account.id)).id };
});
afterAll(() => h?.close());

/** Rows a rejected mutation must not have changed. */
async function rows() {
  const em = h.orm.em.fork();
  const users = await em.find(SystemUser, {}, { orderBy: { id: 'asc' } });
  return {
    users: users.map((u) => JSON.stringify({ ...u, updatedAt: undefined, passwordHash: u.passwordHash })),
    crontabs: await em.count(Crontab),
    operations: await em.count(Operation),
  };
}

const dbUser = (username: string) => h.orm.em.fork().findOneOrFail(SystemUser, { username });

/** What `openssl passwd -6` gives for the password with the salt of `hash`. */
function opensslHash(password: string, hash: string): string {
  const salt = hash.split('$')[2];
  return execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: password }).toString().trim();
}

describe('create', () => {
  test('defaults: own home, no login shell, no groups, no password; the home is stored as empty', async () => {
    const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'ftponly' } });
    expect(result.createSystemUser.userErrors).toEqual([]);
    expect(result.createSystemUser.systemUser).toMatchObject({
      username: 'ftponly', home: '/home/ftponly', shell: 'NOLOGIN', groups: [], isActive: true, isMain: false, hasPassword: false,
      account: { id: alpha.accountId, username: 'alpha' },
    });
    const row = await dbUser('ftponly');
    expect(row).toMatchObject({ home: '', shell: '/dev/null', groups: [], passwordHash: null, isMain: false });
    const fetched = await alpha.client.data(SystemUserDocument, { id: result.createSystemUser.systemUser!.id });
    expect(fetched.systemUser.username).toBe('ftponly');
    const node = await alpha.client.data(SystemUserNodeDocument, { id: result.createSystemUser.systemUser!.id });
    expect(node.node).toMatchObject({ username: 'ftponly' });
  });

  test('the password is stored only as SHA-512-crypt, equal to openssl passwd -6, and never echoed or audited', async () => {
    const response = await alpha.client.raw({
      query: 'mutation($input: CreateSystemUserInput!) { createSystemUser(input: $input) { systemUser { id username hasPassword } userErrors { field } } }',
      variables: { input: { accountId: alpha.accountId, username: 'withpass', password: SYSTEM_PASSWORD, shell: 'BASH' } },
    });
    expect(JSON.stringify(response)).not.toContain(SYSTEM_PASSWORD);
    expect(response.data).toMatchObject({ createSystemUser: { systemUser: { username: 'withpass', hasPassword: true }, userErrors: [] } });
    const row = await dbUser('withpass');
    expect(row.passwordHash).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(row.passwordHash).toBe(opensslHash(SYSTEM_PASSWORD, row.passwordHash!));
    expect(JSON.stringify(row)).not.toContain('$6$'); // hidden from serialisation too

    const id = (response.data as { createSystemUser: { systemUser: { id: string } } }).createSystemUser.systemUser.id;
    const newPassword = 'an0ther long pässword';
    const updated = await alpha.client.raw({
      query: 'mutation($input: UpdateSystemUserInput!) { updateSystemUser(input: $input) { systemUser { id hasPassword } userErrors { field } } }',
      variables: { input: { id, password: newPassword } },
    });
    expect(JSON.stringify(updated)).not.toContain(newPassword);
    const after = await dbUser('withpass');
    expect(after.passwordHash).not.toBe(row.passwordHash);
    expect(after.passwordHash).toBe(opensslHash(newPassword, after.passwordHash!));

    const audit = await h.orm.em.fork().find(AuditEntry, { operation: { $in: ['createSystemUser', 'updateSystemUser'] } });
    const text = JSON.stringify(audit);
    expect(text).not.toContain(SYSTEM_PASSWORD);
    expect(text).not.toContain(newPassword);
    expect(text).not.toContain(after.passwordHash!);
    expect(text).not.toContain(row.passwordHash!);
    const update = audit.find((e) => e.operation === 'updateSystemUser')!;
    expect(update.changedFields).toEqual(['password']);
    expect(audit.find((e) => e.operation === 'createSystemUser' && e.objectIds.includes(id))!.changedFields).toContain('password (secret)');

    // Every query a client can make about it: no password, no hash.
    const everything = await h.admin.raw({ query: `{ systemUsers(first: 100) { nodes { id username home shell groups hasPassword } } }` });
    expect(JSON.stringify(everything)).not.toMatch(/\$6\$|Passw0rd|pässword/);
  });

  test.each([
    ['', 'REQUIRED'],
    ['Upper', 'INVALID'],
    ['1digit', 'INVALID'],
    ['a'.repeat(33), 'TOO_LONG'],
    ['has space', 'INVALID'],
    [' padded', 'INVALID'],
    ['root', 'INVALID'],
    ['www-data', 'INVALID'],
    ['-leading', 'INVALID'],
    ['x$(touch /tmp/pwn)', 'INVALID'],
    ['x`id`', 'INVALID'],
    ["o'neil", 'INVALID'],
    ['a"b', 'INVALID'],
    ['line\nbreak', 'INVALID'],
    ['nul\u0000', 'INVALID'],
    ['ñandú', 'INVALID'],
    ['a;rm', 'INVALID'],
  ])('username %j is rejected (%s) and nothing is written', async (username, code) => {
    const before = await rows();
    const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username } });
    expect(result.createSystemUser.systemUser).toBeNull();
    expect(result.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.username', code })]);
    expect(await rows()).toEqual(before);
  });

  test('a username is TAKEN when another system user (of any account) or any account has it', async () => {
    await systemUserFor(bravo.client, bravo.accountId, 'bravoweb');
    const before = await rows();
    for (const username of ['bravoweb', 'bravo', 'alpha', 'admin']) {
      const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username } });
      expect(result.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.username', code: expect.stringMatching(/TAKEN|INVALID/) })]);
    }
    // "admin" is reserved by the backend; the others are names in use.
    const taken = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'bravo' } });
    expect(taken.createSystemUser.userErrors[0].code).toBe('TAKEN');
    expect(await rows()).toEqual(before);

    // An account's name is taken even where no system user has it (here: its main user's row removed behind the API).
    const charlie = await accountWithUser(h.admin, 'charlie');
    await h.orm.em.fork().nativeDelete(SystemUser, { username: 'charlie' });
    const beforeCharlie = await rows();
    const own = await charlie.client.data(CreateSystemUserDocument, { input: { accountId: charlie.account.id, username: 'charlie' } });
    expect(own.createSystemUser.userErrors).toEqual([
      expect.objectContaining({ field: 'input.username', code: 'TAKEN', message: expect.stringContaining('main system user') }),
    ]);
    const other = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'charlie' } });
    expect(other.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.username', code: 'TAKEN' })]);
    expect(await rows()).toEqual(beforeCharlie);
  });

  test('every problem is reported at once', async () => {
    const before = await rows();
    const result = await alpha.client.data(CreateSystemUserDocument, {
      input: { accountId: alpha.accountId, username: 'allbad', password: 'short', shell: 'BASH', home: '/home/alpha/x', groups: ['nobody-here'] },
    });
    expect(result.createSystemUser.userErrors.map((e) => `${e.field}:${e.code}`).sort()).toEqual([
      'input.groups:NOT_FOUND', 'input.home:INVALID', 'input.password:INVALID',
    ]);
    expect(await rows()).toEqual(before);
  });
});

describe('home', () => {
  test('a non-shell user may use a directory under the main user\'s home; a shell user may not', async () => {
    const web = await alpha.client.data(CreateSystemUserDocument, {
      input: { accountId: alpha.accountId, username: 'alphaweb', home: '/home/alpha/web', shell: 'RSSH' },
    });
    expect(web.createSystemUser.userErrors).toEqual([]);
    expect(web.createSystemUser.systemUser!.home).toBe('/home/alpha/web');
    expect((await dbUser('alphaweb')).home).toBe('/home/alpha/web');

    const before = await rows();
    const bash = await alpha.client.data(CreateSystemUserDocument, {
      input: { accountId: alpha.accountId, username: 'alphash', home: '/home/alpha/sh', shell: 'BASH' },
    });
    expect(bash.createSystemUser.userErrors).toEqual([
      expect.objectContaining({ field: 'input.home', code: 'INVALID', message: expect.stringContaining('shell user must use its own home /home/alphash') }),
    ]);
    // Becoming a shell user is checked against the home it has.
    const toBash = await alpha.client.data(UpdateSystemUserDocument, { input: { id: web.createSystemUser.systemUser!.id, shell: 'BASH' } });
    expect(toBash.updateSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.home' })]);
    expect(await rows()).toEqual(before);

    // Its own home, given explicitly, is the default (stored empty); empty goes back to the default; then bash is fine.
    const own = await alpha.client.data(UpdateSystemUserDocument, { input: { id: web.createSystemUser.systemUser!.id, home: '/home/alphaweb' } });
    expect(own.updateSystemUser.systemUser!.home).toBe('/home/alphaweb');
    expect((await dbUser('alphaweb')).home).toBe('');
    await alpha.client.data(UpdateSystemUserDocument, { input: { id: web.createSystemUser.systemUser!.id, home: '/home/alpha/web' } });
    const reset = await alpha.client.data(UpdateSystemUserDocument, { input: { id: web.createSystemUser.systemUser!.id, home: '', shell: 'BASH' } });
    expect(reset.updateSystemUser.userErrors).toEqual([]);
    expect(reset.updateSystemUser.systemUser).toMatchObject({ home: '/home/alphaweb', shell: 'BASH' });
  });

  test.each([
    ['/home/alpha', 'INVALID', 'the main user\'s home itself'],
    ['/home/bravo/site', 'INVALID', 'under another account\'s main user'],
    ['/home/other', 'INVALID', 'another user\'s default home'],
    ['/etc', 'INVALID', 'outside /home'],
    ['/home/alpha/../bravo', 'INVALID', 'dot-dot'],
    ['/home/alpha/web/', 'INVALID', 'trailing slash'],
    ['/home/alpha//x', 'INVALID', 'empty segment'],
    ['home/alpha/x', 'INVALID', 'relative'],
    ['/home/alpha/$(touch /tmp/pwn)', 'INVALID', 'command substitution'],
    ['/home/alpha/`id`', 'INVALID', 'backticks'],
    ["/home/alpha/it's", 'INVALID', 'quote'],
    ['/home/alpha/a b', 'INVALID', 'space'],
    ['/home/alpha/x\ny', 'INVALID', 'newline'],
    ['/home/alpha/x\u0000', 'INVALID', 'NUL'],
    ['/home/alpha/dïr', 'INVALID', 'unicode'],
    [`/home/alpha/${'d'.repeat(200)}`, 'INVALID', 'too long'],
  ])('home %j is rejected (%s: %s)', async (home, code) => {
    const before = await rows();
    const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'homeless', home } });
    expect(result.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.home', code })]);
    expect(await rows()).toEqual(before);
  });

  test('two users cannot share a home or nest one inside the other', async () => {
    await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'alphablog', home: '/home/alpha/blog' } });
    const before = await rows();
    const cases: [string, string][] = [['/home/alpha/blog', 'TAKEN'], ['/home/alpha/blog/sub', 'INVALID']];
    for (const [home, code] of cases) {
      const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'alphablog2', home } });
      expect(result.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.home', code })]);
    }
    expect(await rows()).toEqual(before);
    const outer = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'alphasite', home: '/home/alpha/sites' } });
    expect(outer.createSystemUser.userErrors).toEqual([]);
    await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'alphainner', home: '/home/alpha/outer/inner' } });
    const wraps = await alpha.client.data(UpdateSystemUserDocument, { input: { id: outer.createSystemUser.systemUser!.id, home: '/home/alpha/outer' } });
    expect(wraps.updateSystemUser.userErrors).toEqual([
      expect.objectContaining({ field: 'input.home', code: 'INVALID', message: 'contains the home of alphainner' }),
    ]);
    expect((await dbUser('alphasite')).home).toBe('/home/alpha/sites');
  });

  test('a leading "-" in a home segment is a valid path: stored verbatim (the backend passes paths after "--")', async () => {
    const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'dashhome', home: '/home/alpha/-rf' } });
    expect(result.createSystemUser.userErrors).toEqual([]);
    expect((await dbUser('dashhome')).home).toBe('/home/alpha/-rf');
  });

  test('the main user keeps its own home', async () => {
    const before = await rows();
    const result = await alpha.client.data(UpdateSystemUserDocument, { input: { id: alpha.mainId, home: '/home/alpha/main' } });
    expect(result.updateSystemUser.userErrors).toEqual([
      expect.objectContaining({ field: 'input.home', message: expect.stringContaining('main system user must use its own home') }),
    ]);
    expect(await rows()).toEqual(before);
  });
});

describe('groups', () => {
  test('other system users of the same account, sorted, without duplicates', async () => {
    await systemUserFor(alpha.client, alpha.accountId, 'alphag1');
    await systemUserFor(alpha.client, alpha.accountId, 'alphag2');
    const result = await alpha.client.data(CreateSystemUserDocument, {
      input: { accountId: alpha.accountId, username: 'alphamember', groups: ['alphag2', 'alpha', 'alphag1', 'alphag2'] },
    });
    expect(result.createSystemUser.userErrors).toEqual([]);
    expect(result.createSystemUser.systemUser!.groups).toEqual(['alpha', 'alphag1', 'alphag2']);
    expect((await dbUser('alphamember')).groups).toEqual(['alpha', 'alphag1', 'alphag2']);
  });

  test.each([
    [['bravo'], 'NOT_FOUND', 'another account\'s main user'],
    [['bravoweb'], 'NOT_FOUND', 'another account\'s user'],
    [['ghost'], 'NOT_FOUND', 'nobody'],
    [['alphaself'], 'INVALID', 'itself'],
    [['root'], 'INVALID', 'a system account'],
    [['sudo'], 'INVALID', 'a system group'],
    [['x;rm -rf /'], 'INVALID', 'hostile'],
    [['$(id)'], 'INVALID', 'hostile'],
    [['-g'], 'INVALID', 'leading dash'],
    [['a\nb'], 'INVALID', 'newline'],
    [[''], 'INVALID', 'empty'],
    [Array.from({ length: 65 }, (_, i) => `g${i}`), 'TOO_LONG', 'too many'],
  ])('groups %j are rejected (%s: %s)', async (groups, code) => {
    await systemUserFor(bravo.client, bravo.accountId, 'bravoweb').catch(() => undefined);
    const before = await rows();
    const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'alphaself', groups } });
    expect(result.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.groups', code })]);
    expect(await rows()).toEqual(before);
  });
});

describe('password', () => {
  test.each([
    ['short', 'must be at least 10 characters'],
    ['x'.repeat(257), 'must be at most 256 characters'],
    ['with\nnewline-long-enough', 'control characters'],
    ['with\u0000nul-long-enough', 'control characters'],
    ['with\ttab-long-enough', 'control characters'],
    ['lone \ud800 surrogate-long', 'valid Unicode'],
  ])('%j is rejected', async (password, message) => {
    const before = await rows();
    const result = await alpha.client.data(CreateSystemUserDocument, { input: { accountId: alpha.accountId, username: 'pwuser', password } });
    expect(result.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.password', code: 'INVALID', message: expect.stringContaining(message) })]);
    expect(await rows()).toEqual(before);
  });

  test.each([
    ["quote's and \"double\"", 1],
    ['$(touch /tmp/pwn) `id`', 2],
    ['-leading-dash-password', 3],
    ['ünïcødé ✓ pässwörd 🔑', 4],
    ['; rm -rf / # long', 5],
  ])('hostile password %j is accepted and stored only as its hash', async (password, n) => {
    const result = await alpha.client.raw({
      query: 'mutation($input: CreateSystemUserInput!) { createSystemUser(input: $input) { systemUser { username } userErrors { field } } }',
      variables: { input: { accountId: alpha.accountId, username: `hostilepw${n}`, password } },
    });
    expect(JSON.stringify(result)).not.toContain(password);
    const row = await dbUser(`hostilepw${n}`);
    expect(row.passwordHash).toBe(opensslHash(password, row.passwordHash!));
  });
});

describe('update, disable, enable', () => {
  test('the username cannot be changed (not part of the input)', async () => {
    const user = await systemUserFor(alpha.client, alpha.accountId, 'fixedname');
    const result = await alpha.client.raw({
      query: 'mutation { updateSystemUser(input: { id: "ID", username: "renamed" }) { systemUser { username } } }'.replace('ID', user.id),
    });
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await dbUser('fixedname')).username).toBe('fixedname');
  });

  test('update changes only what is sent and audits the changed field names', async () => {
    const user = await systemUserFor(alpha.client, alpha.accountId, 'changer');
    const result = await alpha.client.data(UpdateSystemUserDocument, { input: { id: user.id, shell: 'RSSH' } });
    expect(result.updateSystemUser.systemUser).toMatchObject({ shell: 'RSSH', home: '/home/changer', groups: [] });
    const entry = await h.orm.em.fork().findOneOrFail(AuditEntry, { operation: 'updateSystemUser', objectIds: { $contains: [user.id] } }, { orderBy: { id: 'desc' } });
    expect(entry.changedFields).toEqual(['shell']);
  });

  test('disable and enable', async () => {
    const user = await systemUserFor(alpha.client, alpha.accountId, 'toggler');
    const off = await alpha.client.data(DisableSystemUserDocument, { id: user.id });
    expect(off.disableSystemUser.systemUser).toMatchObject({ id: user.id, isActive: false });
    expect((await dbUser('toggler')).isActive).toBe(false);
    const filtered = await alpha.client.data(SystemUsersDocument, { filter: { isActive: false } });
    expect(filtered.systemUsers.nodes.map((n) => n.username)).toEqual(['toggler']);
    const on = await alpha.client.data(EnableSystemUserDocument, { id: user.id });
    expect(on.enableSystemUser.systemUser).toMatchObject({ isActive: true });
    expect((await dbUser('toggler')).isActive).toBe(true);
  });
});

describe('delete', () => {
  test('the main system user cannot be deleted', async () => {
    const before = await rows();
    const result = await alpha.client.data(DeleteSystemUserDocument, { id: alpha.mainId });
    expect(result.deleteSystemUser).toMatchObject({ deletedId: null, userErrors: [expect.objectContaining({ field: 'id', code: 'NOT_ALLOWED' })] });
    expect(await rows()).toEqual(before);
    const admin = await h.admin.data(DeleteSystemUserDocument, { id: alpha.mainId });
    expect(admin.deleteSystemUser.userErrors[0].code).toBe('NOT_ALLOWED');
  });

  test('deleting a user deletes its crontabs and takes it out of other users\' groups', async () => {
    const doomed = await systemUserFor(alpha.client, alpha.accountId, 'doomed');
    const keeper = await systemUserFor(alpha.client, alpha.accountId, 'keeper');
    await alpha.client.data(UpdateSystemUserDocument, { input: { id: keeper.id, groups: ['doomed', 'alpha'] } });
    const c1 = await crontabFor(alpha.client, doomed.id, 'echo one');
    await crontabFor(alpha.client, doomed.id, 'echo two');
    const kept = await crontabFor(alpha.client, keeper.id, 'echo kept');

    const result = await alpha.client.data(DeleteSystemUserDocument, { id: doomed.id });
    expect(result.deleteSystemUser).toEqual({ deletedId: doomed.id, userErrors: [] });
    const em = h.orm.em.fork();
    expect(await em.count(SystemUser, { username: 'doomed' })).toBe(0);
    expect(await em.count(Crontab, { command: { $in: ['echo one', 'echo two'] } })).toBe(0);
    expect(await em.count(Crontab, { command: 'echo kept' })).toBe(1);
    expect((await dbUser('keeper')).groups).toEqual(['alpha']);
    expect((await alpha.client.request(CrontabDocument, { id: c1.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await alpha.client.data(CrontabDocument, { id: kept.id })).crontab.command).toBe('echo kept');
    expect((await alpha.client.request(SystemUserDocument, { id: doomed.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

test('list: search, account filter, pagination', async () => {
  for (const n of [1, 2, 3]) await systemUserFor(bravo.client, bravo.accountId, `bravopage${n}`);
  const first = await h.admin.data(SystemUsersDocument, { first: 2, filter: { search: 'BRAVOPAGE' } });
  expect(first.systemUsers.totalCount).toBe(3);
  expect(first.systemUsers.nodes.map((n) => n.username)).toEqual(['bravopage1', 'bravopage2']);
  const next = await h.admin.data(SystemUsersDocument, { first: 2, after: first.systemUsers.pageInfo.endCursor, filter: { search: 'bravopage' } });
  expect(next.systemUsers.nodes.map((n) => n.username)).toEqual(['bravopage3']);
  const byAccount = await h.admin.data(SystemUsersDocument, { first: 100, filter: { accountId: bravo.accountId } });
  expect(new Set(byAccount.systemUsers.nodes.map((n) => n.account.username))).toEqual(new Set(['bravo']));
  const literal = await h.admin.data(SystemUsersDocument, { filter: { search: '%' } });
  expect(literal.systemUsers.totalCount).toBe(0);
});

test('a page of system users with their accounts costs the same SQL statements for 2 or 10 users (no N+1)', async () => {
  const statements = async (first: number) => {
    const before = h.sqlCount();
    const result = await h.admin.data(SystemUsersDocument, { first });
    expect(result.systemUsers.nodes).toHaveLength(first);
    return h.sqlCount() - before;
  };
  expect(await statements(10)).toBe(await statements(2));
});

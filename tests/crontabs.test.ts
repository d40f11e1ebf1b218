/**
 * Crontabs over real HTTP: CRUD, every field validated by the crontabs backend's own rules, hostile values either
 * rejected (with their field, nothing written) or stored verbatim.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import { CRONTAB_MAX_ENTRIES } from '../src/orchestration/backends/crontabs/crontabs.backend.js';
import { DEACTIVATE_REFUSED_CRONTAB_LINES } from '../src/db/migrations/Migration20261129052000.js';
import { idOf, toGlobalId } from '../src/schema/relay/global-id.js';
import {
  CreateCrontabDocument, CrontabDocument, CrontabsDocument, DeleteCrontabDocument, SystemUserNodeDocument, UpdateCrontabDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { crontabFor, mainSystemUser, systemUserFor } from './support/service-fixtures.js';

let h: ApiHarness;
let client: GraphQLClient;
let accountId: string;
let userId: string;

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'cronco');
  client = a.client;
  accountId = a.account.id;
  await mainSystemUser(h.orm, accountId);
  userId = (await systemUserFor(client, accountId, 'cronuser')).id;
});
afterAll(() => h?.close());

async function rows() {
  const em = h.orm.em.fork();
  const crontabs = await em.find(Crontab, {}, { orderBy: { id: 'asc' } });
  return { crontabs: crontabs.map((c) => JSON.stringify({ ...c, updatedAt: undefined })), operations: await em.count(Operation) };
}

const dbCrontab = (globalId: string) => h.orm.em.fork().findOneOrFail(Crontab, { id: idOf('Crontab', globalId) });

describe('create, read, update, delete', () => {
  test('defaults every schedule field to "*"; the line belongs to the system user\'s account', async () => {
    const result = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'php /home/cronuser/cron.php' } });
    expect(result.createCrontab.userErrors).toEqual([]);
    const crontab = result.createCrontab.crontab!;
    expect(crontab).toMatchObject({
      minute: '*', hour: '*', dayOfMonth: '*', month: '*', dayOfWeek: '*', schedule: '* * * * *', command: 'php /home/cronuser/cron.php',
      description: '', isActive: true, systemUser: { id: userId, username: 'cronuser' }, account: { id: accountId, username: 'cronco' },
    });
    expect((await client.data(CrontabDocument, { id: crontab.id })).crontab.schedule).toBe('* * * * *');
    expect((await client.data(SystemUserNodeDocument, { id: crontab.id })).node).toMatchObject({ schedule: '* * * * *' });
  });

  test('schedule fields are normalised (trimmed, names lowercased); command and description trimmed', async () => {
    const result = await client.data(CreateCrontabDocument, {
      input: { systemUserId: userId, minute: ' */5 ', hour: '1-5,22', dayOfMonth: '1,15', month: 'JAN-Mar', dayOfWeek: 'Mon-Fri', command: '  backup.sh  ', description: ' nightly ' },
    });
    expect(result.createCrontab.userErrors).toEqual([]);
    expect(result.createCrontab.crontab).toMatchObject({
      minute: '*/5', hour: '1-5,22', dayOfMonth: '1,15', month: 'jan-mar', dayOfWeek: 'mon-fri', schedule: '*/5 1-5,22 1,15 jan-mar mon-fri',
      command: 'backup.sh', description: 'nightly',
    });
  });

  test('update merges, validates the whole line, can deactivate; delete removes', async () => {
    const crontab = await crontabFor(client, userId, 'echo update-me');
    const updated = await client.data(UpdateCrontabDocument, { input: { id: crontab.id, hour: '3', description: 'at three' } });
    expect(updated.updateCrontab.crontab).toMatchObject({ minute: '*/5', hour: '3', schedule: '*/5 3 * * *', command: 'echo update-me', description: 'at three' });

    const before = await rows();
    const bad = await client.data(UpdateCrontabDocument, { input: { id: crontab.id, minute: '61', command: '' } });
    expect(bad.updateCrontab.userErrors.map((e) => `${e.field}:${e.code}`).sort()).toEqual(['input.command:REQUIRED', 'input.minute:INVALID']);
    expect(await rows()).toEqual(before);

    const off = await client.data(UpdateCrontabDocument, { input: { id: crontab.id, isActive: false } });
    expect(off.updateCrontab.crontab!.isActive).toBe(false);
    expect((await dbCrontab(crontab.id)).isActive).toBe(false);

    const deleted = await client.data(DeleteCrontabDocument, { id: crontab.id });
    expect(deleted.deleteCrontab).toEqual({ deletedId: crontab.id, userErrors: [] });
    expect(await h.orm.em.fork().count(Crontab, { id: idOf('Crontab', crontab.id) })).toBe(0);
    expect((await client.request(CrontabDocument, { id: crontab.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  test('list: by system user and by account, paginated in creation order', async () => {
    const other = await systemUserFor(client, accountId, 'cronother');
    await crontabFor(client, other.id, 'echo a');
    await crontabFor(client, other.id, 'echo b');
    await crontabFor(client, other.id, 'echo c');
    const page = await client.data(CrontabsDocument, { first: 2, filter: { systemUserId: other.id } });
    expect(page.crontabs.totalCount).toBe(3);
    expect(page.crontabs.nodes.map((n) => n.command)).toEqual(['echo a', 'echo b']);
    const rest = await client.data(CrontabsDocument, { first: 2, after: page.crontabs.pageInfo.endCursor, filter: { systemUserId: other.id } });
    expect(rest.crontabs.nodes.map((n) => n.command)).toEqual(['echo c']);
    const all = await client.data(CrontabsDocument, { first: 100, filter: { accountId } });
    expect(all.crontabs.totalCount).toBeGreaterThan(3);
  });
});

describe('schedule fields', () => {
  test.each([
    ['minute', '60'], ['minute', '-1'], ['minute', ''], ['minute', '5/10'], ['minute', '*/0'], ['minute', '*/61'], ['minute', '1,,2'],
    ['minute', '* *'], ['minute', '@daily'], ['hour', '24'], ['hour', '5-1'], ['dayOfMonth', '0'], ['dayOfMonth', '32'], ['dayOfMonth', 'L'],
    ['month', '13'], ['month', 'foo'], ['dayOfWeek', '8'], ['dayOfWeek', 'mon#2'], ['dayOfWeek', '?'],
    ['minute', '*\n'], ['hour', '\t1'], ['minute', '1\n* * * * * touch /tmp/pwn'], ['hour', '$(id)'], ['hour', '`id`'], ['dayOfMonth', "1'"],
    ['month', '1;rm'], ['dayOfWeek', '1\u0000'], ['minute', '１'], ['minute', '-5'], ['minute', '1'.repeat(65)],
  ])('%s %j is rejected', async (field, value) => {
    const before = await rows();
    const result = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'true', [field]: value } });
    expect(result.createCrontab.crontab).toBeNull();
    expect(result.createCrontab.userErrors).toEqual([expect.objectContaining({ field: `input.${field}`, code: 'INVALID' })]);
    expect(await rows()).toEqual(before);
  });
});

/** Values a crontab's text fields must survive: either refused, or kept byte for byte. */
const VERBATIM = [
  ["echo 'single' \"double\"", 'quotes'],
  ['echo $(id) `whoami` ${HOME}', 'substitutions'], // eslint-disable-line no-template-curly-in-string
  ['date +%Y-%m-%d > /tmp/day', 'percent'],
  ['-leading-dash', 'leading dash'],
  ['echo ünïcødé ✓ 日本 🔑', 'unicode'],
  ['true; rm -rf "$HOME/tmp" && echo done | cat', 'shell operators'],
  ['echo \\n backslash', 'backslash'],
];
const REFUSED = [
  ['echo a\necho b', 'newline'],
  ['echo a\rb', 'carriage return'],
  ['echo a\u2028b', 'line separator'],
  ['echo a\u0000b', 'NUL'],
  ['echo a\u001bb', 'escape'],
  ['echo a\u007fb', 'DEL'],
  ['echo a\u0085b', 'C1 control'],
  ['echo \ud800', 'lone surrogate'],
];

describe('command', () => {
  test.each(VERBATIM)('%j (%s) is stored verbatim', async (command) => {
    const crontab = await crontabFor(client, userId, command);
    expect(crontab.command).toBe(command);
    expect((await dbCrontab(crontab.id)).command).toBe(command);
    expect((await client.data(CrontabDocument, { id: crontab.id })).crontab.command).toBe(command);
  });

  test.each([
    ...REFUSED, ['', 'empty'], ['   ', 'blank'], [`echo ${'x'.repeat(994)}`, 'too long (999 bytes)'], [`echo ${'%'.repeat(497)}`, 'too long once % is escaped'],
    [`echo ${'\\'.repeat(497)}`, 'too long once \\ is escaped'], [`echo ${'é'.repeat(497)}`, 'too long in UTF-8 bytes'],
    ['*', 'a "*" crontab takes for a sixth schedule field'], ['* x', 'starts with "*"'], ['*/5 /bin/true', 'a sixth schedule field'],
  ])(
    '%j (%s) is rejected on create and update',
    async (command) => {
      const existing = await crontabFor(client, userId, 'echo existing');
      const before = await rows();
      const created = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command } });
      expect(created.createCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.command', code: expect.stringMatching(/INVALID|REQUIRED/) })]);
      const updated = await client.data(UpdateCrontabDocument, { input: { id: existing.id, command } });
      expect(updated.updateCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.command' })]);
      expect(await rows()).toEqual(before);
    },
  );
});

test('the longest command crontab installs is accepted (998 bytes as written in the crontab)', async () => {
  for (const command of [`echo ${'x'.repeat(993)}`, `echo ${'%'.repeat(496)}x`, `echo ${'é'.repeat(496)}x`]) {
    const crontab = await crontabFor(client, userId, command);
    expect(crontab.command).toBe(command);
    await client.data(DeleteCrontabDocument, { id: crontab.id });
  }
});

describe('the whole crontab of the system user must install', () => {
  /** A line saved before crontab's check existed, as an old Orchestra stored it: SQL, past every check. */
  async function storedLine(systemUserId: string, command: string): Promise<string> {
    const em = h.orm.em.fork();
    const user = await em.findOneOrFail(SystemUser, { id: idOf('SystemUser', systemUserId) });
    const [row] = await em.getConnection().execute<{ id: string }[]>(
      'insert into "crontab" ("created_at", "updated_at", "account_id", "system_user_id", "command") values (now(), now(), ?, ?, ?) returning "id"',
      [user.account.id, user.id, command],
    );
    return toGlobalId('Crontab', String(row!.id));
  }

  test('a stored line crontab refuses is named when the crontab changes; it can be fixed or deleted, nothing else', async () => {
    const owner = await systemUserFor(client, accountId, 'cronlegacy');
    const good = await crontabFor(client, owner.id, 'echo good');
    const legacy = await storedLine(owner.id, '* echo legacy');
    const before = await rows();

    const created = await client.data(CreateCrontabDocument, { input: { systemUserId: owner.id, command: 'echo new' } });
    expect(created.createCrontab.userErrors).toEqual([
      { field: 'input.systemUserId', code: 'INVALID', message: expect.stringContaining(`line ${legacy} of this crontab: command must not start with "*"`) },
    ]);
    const updated = await client.data(UpdateCrontabDocument, { input: { id: good.id, command: 'echo changed' } });
    expect(updated.updateCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.id', message: expect.stringContaining(legacy) })]);
    const deleted = await client.data(DeleteCrontabDocument, { id: good.id });
    expect(deleted.deleteCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.id', message: expect.stringContaining(legacy) })]);
    const kept = await client.data(UpdateCrontabDocument, { input: { id: legacy, description: 'still bad' } });
    expect(kept.updateCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.command' })]);
    expect(await rows()).toEqual(before);

    const fixed = await client.data(UpdateCrontabDocument, { input: { id: legacy, command: 'echo legacy' } });
    expect(fixed.updateCrontab.userErrors).toEqual([]);
    const again = await storedLine(owner.id, '*');
    expect((await client.data(UpdateCrontabDocument, { input: { id: again, isActive: false } })).updateCrontab.userErrors).toEqual([
      expect.objectContaining({ field: 'input.command' }),
    ]);
    expect((await client.data(DeleteCrontabDocument, { id: again })).deleteCrontab.userErrors).toEqual([]);
    expect((await client.data(CreateCrontabDocument, { input: { systemUserId: owner.id, command: 'echo new' } })).createCrontab.userErrors).toEqual([]);
  });

  test('the upgrade deactivates the stored lines crontab refuses (they never ran), and only those', async () => {
    const owner = await systemUserFor(client, accountId, 'cronupgrade');
    const refused = [await storedLine(owner.id, '* echo a'), await storedLine(owner.id, `echo ${'%'.repeat(497)}`), await storedLine(owner.id, `echo ${'\\'.repeat(497)}`)];
    const kept = [await storedLine(owner.id, 'echo *'), await storedLine(owner.id, `echo ${'x'.repeat(993)}`), await storedLine(owner.id, `echo ${'é'.repeat(496)}x`)];
    await h.orm.em.fork().getConnection().execute(DEACTIVATE_REFUSED_CRONTAB_LINES);
    const active = async (ids: string[]) => Promise.all(ids.map(async (id) => (await dbCrontab(id)).isActive));
    expect(await active(refused)).toEqual([false, false, false]);
    expect(await active(kept)).toEqual([true, true, true]);
    expect((await client.data(CreateCrontabDocument, { input: { systemUserId: owner.id, command: 'echo works' } })).createCrontab.userErrors).toEqual([]);
  });

  test(`a crontab has at most ${CRONTAB_MAX_ENTRIES} active lines`, async () => {
    const owner = await systemUserFor(client, accountId, 'cronfull');
    const em = h.orm.em.fork();
    const user = await em.findOneOrFail(SystemUser, { id: idOf('SystemUser', owner.id) }, { populate: ['account'] });
    for (let i = 0; i < CRONTAB_MAX_ENTRIES; i++) em.create(Crontab, { account: user.account, systemUser: user, command: `echo ${i}` });
    await em.flush();
    const before = await rows();
    const result = await client.data(CreateCrontabDocument, { input: { systemUserId: owner.id, command: 'echo one too many' } });
    expect(result.createCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.systemUserId', code: 'TOO_LONG' })]);
    expect(await rows()).toEqual(before);
  });
});

test('a tab is kept in a command (cron takes it) but refused in a description (a single-line comment)', async () => {
  const crontab = await crontabFor(client, userId, 'echo a\tb');
  expect((await dbCrontab(crontab.id)).command).toBe('echo a\tb');
  const result = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'true', description: 'a\tb' } });
  expect(result.createCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.description' })]);
});

describe('description', () => {
  test.each(VERBATIM)('%j (%s) is stored verbatim', async (description) => {
    const result = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'true', description } });
    expect(result.createCrontab.userErrors).toEqual([]);
    expect((await dbCrontab(result.createCrontab.crontab!.id)).description).toBe(description);
  });

  test.each([...REFUSED, ['x'.repeat(257), 'too long']])('%j (%s) is rejected', async (description) => {
    const before = await rows();
    const result = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'true', description } });
    expect(result.createCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.description', code: 'INVALID' })]);
    expect(await rows()).toEqual(before);
  });
});

test('every problem is reported at once', async () => {
  const before = await rows();
  const result = await client.data(CreateCrontabDocument, {
    input: { systemUserId: userId, minute: 'x', hour: 'y', dayOfMonth: 'z', month: 'w', dayOfWeek: 'v', command: 'a\nb', description: 'c\nd' },
  });
  expect(result.createCrontab.userErrors.map((e) => e.field).sort()).toEqual([
    'input.command', 'input.dayOfMonth', 'input.dayOfWeek', 'input.description', 'input.hour', 'input.minute', 'input.month',
  ]);
  expect(await rows()).toEqual(before);
});

test('an unknown or malformed system user id is refused and writes nothing', async () => {
  const before = await rows();
  const missing = await client.request(CreateCrontabDocument, { input: { systemUserId: Buffer.from('SystemUser:999999').toString('base64url'), command: 'true' } });
  expect(missing.data!.createCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.systemUserId', code: 'NOT_FOUND' })]);
  const wrongType = await client.request(CreateCrontabDocument, { input: { systemUserId: accountId, command: 'true' } });
  expect(wrongType.data!.createCrontab.userErrors).toEqual([expect.objectContaining({ field: 'input.systemUserId', code: 'INVALID' })]);
  expect(await rows()).toEqual(before);
});

test('a page of crontabs with their users and accounts costs the same SQL statements for 2 or 10 lines (no N+1)', async () => {
  const statements = async (first: number) => {
    const before = h.sqlCount();
    const result = await h.admin.data(CrontabsDocument, { first });
    expect(result.crontabs.nodes).toHaveLength(first);
    return h.sqlCount() - before;
  };
  expect(await statements(10)).toBe(await statements(2));
});

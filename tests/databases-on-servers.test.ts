/**
 * Databases end to end, on real servers: the API, the outbox, Temporal, SSH, and the backends' scripts on a
 * sandboxed host that runs PostgreSQL 15 and MariaDB (tests/support/database-servers.ts). For each engine: users log
 * in with their passwords, work in their own database and nowhere else; password changes, swapped and added users,
 * a disabled account and deletes take effect on the server.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import {
  CreateDatabaseDocument, CreateDatabaseUserDocument, DeleteAccountDocument, DeleteDatabaseDocument, DeleteDatabaseUserDocument, DisableAccountDocument,
  EnableAccountDocument, LoginDocument, UpdateDatabaseDocument, UpdateDatabaseUserDocument, type DatabaseType,
} from './generated/graphql.js';
import { DATABASE_HOST_DIRS, startMariadb, startPostgresql, type DatabaseServer } from './support/database-servers.js';
import { PASSWORD, accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';

let h: OrchestraHarness;
const servers: Partial<Record<DatabaseType, DatabaseServer>> = {};
let alice: { client: GraphQLClient; accountId: string };
let bob: { client: GraphQLClient; accountId: string };

beforeAll(async () => {
  h = await startOrchestraHarness(['db1'], { sandbox: { emptyDirs: DATABASE_HOST_DIRS } });
  const sandbox = h.hosts.db1.sandbox;
  servers.POSTGRESQL = await startPostgresql(sandbox);
  servers.MARIADB = await startMariadb(sandbox);
  await h.addServer('db1', ['postgresql-users', 'postgresql-databases', 'mariadb-users', 'mariadb-databases']);
  await h.startWorker();
  const a = await accountWithUser(h.admin, 'alice');
  const b = await accountWithUser(h.admin, 'bob');
  alice = { client: a.client, accountId: a.account.id };
  bob = { client: b.client, accountId: b.account.id };
}, 240_000);

afterAll(async () => {
  await h?.stopWorker();
  await servers.POSTGRESQL?.stop();
  await servers.MARIADB?.stop();
  await h?.close();
});

/** Waits until every operation so far has ended, and fails with the scripts' output unless each succeeded. */
async function applied(): Promise<void> {
  const total = await h.orm.em.fork().count(Operation);
  const ops = await h.settle({}, total, 120_000);
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) {
    const run = failed[0]!.run.getEntity();
    throw new Error(`${failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}: ${o.state}`).join(', ')}\n${run.stdout}\n${run.stderr}\n${run.lastError ?? ''}`);
  }
}

async function createUser(client: GraphQLClient, accountId: string, type: DatabaseType, username: string, password: string) {
  const r = await client.data(CreateDatabaseUserDocument, { input: { accountId, type, username, password } });
  expect(r.createDatabaseUser.userErrors).toEqual([]);
  return r.createDatabaseUser.databaseUser!;
}

async function createDatabase(client: GraphQLClient, accountId: string, type: DatabaseType, name: string, userIds: string[]) {
  const r = await client.data(CreateDatabaseDocument, { input: { accountId, type, name, userIds } });
  expect(r.createDatabase.userErrors).toEqual([]);
  return r.createDatabase.database!;
}

/** SQL in both dialects: the same statements work on MariaDB and PostgreSQL. */
const CREATE_TABLE = 'CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100));';

describe.each(['POSTGRESQL', 'MARIADB'] as const)('%s', (type) => {
  const p = type === 'POSTGRESQL' ? 'pg' : 'my';
  const server = () => servers[type]!;
  const denied = type === 'POSTGRESQL' ? /permission denied|password authentication failed|not permitted to log in/ : /Access denied|account is locked/;
  let owner: { id: string };
  let helper: { id: string };
  let database: { id: string };
  let hostile: { id: string };

  test('a user logs in with its password, creates a table in its own database, and cannot read another account\'s', async () => {
    owner = await createUser(alice.client, alice.accountId, type, `alice_${p}owner`, 'first password 1');
    database = await createDatabase(alice.client, alice.accountId, type, `alice_${p}shop`, [owner.id]);
    const bobUser = await createUser(bob.client, bob.accountId, type, `bob_${p}user`, 'bob password 12');
    await createDatabase(bob.client, bob.accountId, type, `bob_${p}secret`, [bobUser.id]);
    await applied();

    await server().login(`alice_${p}owner`, 'first password 1', `alice_${p}shop`, `${CREATE_TABLE} INSERT INTO notes VALUES (1, 'hello');`);
    expect(await server().login(`alice_${p}owner`, 'first password 1', `alice_${p}shop`, 'SELECT body FROM notes;')).toBe('hello\n');
    await server().login(`bob_${p}user`, 'bob password 12', `bob_${p}secret`, `${CREATE_TABLE} INSERT INTO notes VALUES (1, 'secret');`);
    // Neither connects to the other's database, nor logs in with the other's password.
    await expect(server().login(`alice_${p}owner`, 'first password 1', `bob_${p}secret`, 'SELECT body FROM notes;')).rejects.toThrow(denied);
    await expect(server().login(`bob_${p}user`, 'bob password 12', `alice_${p}shop`, 'SELECT body FROM notes;')).rejects.toThrow(denied);
    await expect(server().login(`alice_${p}owner`, 'bob password 12', `alice_${p}shop`, 'SELECT 1;')).rejects.toThrow(/authentication failed|Access denied/);
  }, 180_000);

  test('a password change takes effect: the new password works, the old one fails', async () => {
    const r = await alice.client.data(UpdateDatabaseUserDocument, { input: { id: owner.id, password: 'second password 2' } });
    expect(r.updateDatabaseUser.userErrors).toEqual([]);
    await applied();
    expect(await server().login(`alice_${p}owner`, 'second password 2', `alice_${p}shop`, 'SELECT body FROM notes;')).toBe('hello\n');
    await expect(server().login(`alice_${p}owner`, 'first password 1', `alice_${p}shop`, 'SELECT 1;')).rejects.toThrow(/authentication failed|Access denied/);
  }, 180_000);

  test('a second user is read-write (data, not schema); swapping makes it the owner and shuts the old one out', async () => {
    helper = await createUser(alice.client, alice.accountId, type, `alice_${p}helper`, 'helper password');
    const added = await alice.client.data(UpdateDatabaseDocument, { input: { id: database.id, userIds: [owner.id, helper.id] } });
    expect(added.updateDatabase.userErrors).toEqual([]);
    expect(added.updateDatabase.database!.users.map((u) => u.username)).toEqual([`alice_${p}owner`, `alice_${p}helper`]);
    await applied();
    expect(await server().login(`alice_${p}helper`, 'helper password', `alice_${p}shop`, "INSERT INTO notes VALUES (2, 'more'); SELECT count(*) FROM notes;")).toBe('2\n');
    await expect(server().login(`alice_${p}helper`, 'helper password', `alice_${p}shop`, 'CREATE TABLE other (id INT);')).rejects.toThrow(/denied/);

    const swapped = await alice.client.data(UpdateDatabaseDocument, { input: { id: database.id, userIds: [helper.id] } });
    expect(swapped.updateDatabase.database!.owner!.username).toBe(`alice_${p}helper`);
    await applied();
    // The new owner has everything, the old tables included; the old owner cannot get in any more.
    expect(await server().login(`alice_${p}helper`, 'helper password', `alice_${p}shop`, 'ALTER TABLE notes ADD COLUMN extra INT; CREATE TABLE other (id INT); SELECT count(*) FROM notes;')).toBe('2\n');
    await expect(server().login(`alice_${p}owner`, 'second password 2', `alice_${p}shop`, 'SELECT count(*) FROM notes;')).rejects.toThrow(denied);
  }, 180_000);

  test("a disabled account's users cannot log in, and can again once it is enabled", async () => {
    expect((await h.admin.data(DisableAccountDocument, { id: alice.accountId })).disableAccount.userErrors).toEqual([]);
    await applied();
    await expect(server().login(`alice_${p}helper`, 'helper password', `alice_${p}shop`, 'SELECT 1;')).rejects.toThrow(denied);
    expect((await h.admin.data(EnableAccountDocument, { id: alice.accountId })).enableAccount.userErrors).toEqual([]);
    await applied();
    // Disabling ended alice's API sessions too.
    alice.client = h.client.as((await h.client.data(LoginDocument, { input: { username: 'alice', password: PASSWORD } })).login.token!);
    expect(await server().login(`alice_${p}helper`, 'helper password', `alice_${p}shop`, 'SELECT count(*) FROM notes;')).toBe('2\n');
  }, 180_000);

  test('hostile values: names are userErrors; passwords reach the server only as hashes and log in; the canary never appears', async () => {
    const canary = `/tmp/orchestra-db-canary-${p}`;
    const before = await h.orm.em.fork().count(Operation);
    for (const name of [`x'; DROP DATABASE postgres; --`, 'a`b', `$(touch ${canary})`, 'a;b', 'a\nb', 'a\\b', 'ünï', '%']) {
      const user = await alice.client.data(CreateDatabaseUserDocument, { input: { accountId: alice.accountId, type, username: name, password: 'a long password' } });
      expect(user.createDatabaseUser.userErrors.map((e) => e.field)).toEqual(['input.username']);
      const db = await alice.client.data(CreateDatabaseDocument, { input: { accountId: alice.accountId, type, name, userIds: [helper.id] } });
      expect(db.createDatabase.userErrors.map((e) => e.field)).toEqual(['input.name']);
    }
    expect(await h.orm.em.fork().count(Operation)).toBe(before);
    const password = `'; DROP DATABASE x; -- $(touch ${canary}) \`touch ${canary}\` "\\" \\' ünï 🔑`;
    hostile = await createUser(alice.client, alice.accountId, type, `alice_${p}hostile`, password);
    await applied();
    expect(await server().login(`alice_${p}hostile`, password, type === 'POSTGRESQL' ? 'postgres' : 'information_schema', 'SELECT 42;')).toBe('42\n');
    // The hosts' /tmp is this machine's: one look covers both.
    expect((await h.hosts.db1.sandbox.bash(`test -e ${canary}`)).code).not.toBe(0);
  }, 180_000);

  test('deleting drops the database and the users', async () => {
    const refused = await alice.client.data(DeleteDatabaseUserDocument, { id: helper.id });
    expect(refused.deleteDatabaseUser.userErrors.map((e) => e.code)).toEqual(['NOT_ALLOWED']);
    expect((await alice.client.data(DeleteDatabaseDocument, { id: database.id })).deleteDatabase.userErrors).toEqual([]);
    expect((await alice.client.data(DeleteDatabaseUserDocument, { id: helper.id })).deleteDatabaseUser.userErrors).toEqual([]);
    expect((await alice.client.data(DeleteDatabaseUserDocument, { id: owner.id })).deleteDatabaseUser.userErrors).toEqual([]);
    expect((await alice.client.data(DeleteDatabaseUserDocument, { id: hostile.id })).deleteDatabaseUser.userErrors).toEqual([]);
    await applied();
    const [databases, users] = type === 'POSTGRESQL'
      ? [await server().superuser('SELECT datname FROM pg_database ORDER BY 1'), await server().superuser('SELECT rolname FROM pg_roles ORDER BY 1')]
      : [await server().superuser('SHOW DATABASES'), await server().superuser('SELECT User FROM mysql.user ORDER BY 1')];
    expect(databases).not.toContain(`alice_${p}shop`);
    expect(databases).toContain(`bob_${p}secret`);
    expect(users).not.toMatch(new RegExp(`alice_${p}`));
    expect(users).toContain(`bob_${p}user`);
    await expect(server().login(`alice_${p}helper`, 'helper password', `bob_${p}secret`, 'SELECT 1;')).rejects.toThrow(/authentication failed|Access denied/);
  }, 180_000);
});

test("deleting an account drops its databases, then its users, on every engine's servers", async () => {
  expect((await h.admin.data(DeleteAccountDocument, { id: bob.accountId })).deleteAccount.userErrors).toEqual([]);
  await applied();
  expect(await servers.POSTGRESQL!.superuser('SELECT datname FROM pg_database UNION ALL SELECT rolname FROM pg_roles')).not.toMatch(/bob_/);
  expect(await servers.MARIADB!.superuser('SHOW DATABASES; SELECT User FROM mysql.user;')).not.toMatch(/bob_/);
}, 180_000);

/**
 * Databases and database users through the API (no worker: the outbox's rows and rendered scripts are read): every
 * field validated, hostile values refused with nothing written, the account prefix, a user of one engine refused
 * for a database of the other, the owner's delete refused, and passwords nowhere in clear: not in any table (the
 * audit log, operations, scripts), only the hash each engine stores.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import { Database } from '../src/entities/services/database.js';
import { DatabaseUser } from '../src/entities/services/database-user.js';
import { mysqlNativePasswordHash } from '../src/crypto/mysql-native-password.js';
import { SCRAM_VERIFIER } from '../src/crypto/scram-sha-256.js';
import {
  CreateDatabaseDocument, CreateDatabaseUserDocument, DatabaseDocument, DatabaseNodeDocument, DeleteDatabaseUserDocument,
  UpdateDatabaseDocument, UpdateDatabaseUserDocument, type DatabaseType,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { BAD_PASSWORDS, accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let client: GraphQLClient;
let accountId: string;

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'dbco');
  client = a.client;
  accountId = a.account.id;
  // A route for each backend, to a server no worker reaches: the scripts are rendered into the outbox, never run.
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'db-nowhere', address: '192.0.2.10' });
  for (const backend of ['mariadb-users', 'postgresql-users', 'mariadb-databases', 'postgresql-databases']) em.create(Route, { backend, server, match: '' });
  await em.flush();
});
afterAll(() => h?.close());

async function rows() {
  const em = h.orm.em.fork();
  const strip = (list: object[]) => list.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    users: strip(await em.find(DatabaseUser, {}, { orderBy: { id: 'asc' } })),
    databases: strip(await em.find(Database, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

async function newUser(type: DatabaseType, username: string, password = 'a long password') {
  const r = await client.data(CreateDatabaseUserDocument, { input: { accountId, type, username, password } });
  expect(r.createDatabaseUser.userErrors).toEqual([]);
  return r.createDatabaseUser.databaseUser!;
}

const errors = (list: { field: string; code: string }[]) => list.map((e) => `${e.field}:${e.code}`).sort();

describe('database users', () => {
  test('created with the hash its engine stores; the API never shows it', async () => {
    const my = await newUser('MARIADB', 'dbco_my', 'my secret password');
    const pg = await newUser('POSTGRESQL', 'dbco_pg', 'pg secret password');
    expect(my).toMatchObject({ username: 'dbco_my', type: 'MARIADB', account: { username: 'dbco' } });
    const em = h.orm.em.fork();
    expect((await em.findOneOrFail(DatabaseUser, { username: 'dbco_my' })).passwordHash).toBe(mysqlNativePasswordHash('my secret password'));
    expect((await em.findOneOrFail(DatabaseUser, { username: 'dbco_pg' })).passwordHash).toMatch(SCRAM_VERIFIER);
    expect((await client.data(DatabaseNodeDocument, { id: pg.id })).node).toMatchObject({ username: 'dbco_pg', type: 'POSTGRESQL' });
    // The same name may exist once per engine: they are different servers.
    await newUser('POSTGRESQL', 'dbco_my');
  });

  test.each([
    ['', 'REQUIRED'], ['Upper', 'INVALID'], ['1starts_with_digit', 'INVALID'], ['has-dash', 'INVALID'], ['has space', 'INVALID'], ['x'.repeat(33), 'TOO_LONG'],
    ["quote'", 'INVALID'], ['back`tick', 'INVALID'], ['semi;colon', 'INVALID'], ['$(touch /tmp/canary)', 'INVALID'], ['new\nline', 'INVALID'],
    ['back\\slash', 'INVALID'], ['ünïcødé', 'INVALID'], ['"; DROP USER root; --', 'INVALID'], ['%', 'INVALID'], ['root', 'INVALID'], ['postgres', 'INVALID'],
    ['pg_monitor', 'INVALID'], ['mysql', 'INVALID'],
  ])('username %j is refused (%s), nothing written', async (username, code) => {
    const before = await rows();
    const r = await client.data(CreateDatabaseUserDocument, { input: { accountId, type: 'POSTGRESQL', username, password: 'a long password' } });
    expect(errors(r.createDatabaseUser.userErrors)).toEqual([`input.username:${code}`]);
    expect(await rows()).toEqual(before);
  });

  test.each(BAD_PASSWORDS.map((p) => [p]))('password %j is refused, nothing written', async (password) => {
    const before = await rows();
    const r = await client.data(CreateDatabaseUserDocument, { input: { accountId, type: 'MARIADB', username: 'dbco_badpw', password } });
    expect(r.createDatabaseUser.userErrors.map((e) => e.field)).toEqual(['input.password']);
    expect(await rows()).toEqual(before);
  });

  test('taken names and unknown accounts are userErrors', async () => {
    const before = await rows();
    const taken = await client.data(CreateDatabaseUserDocument, { input: { accountId, type: 'MARIADB', username: 'dbco_my', password: 'a long password' } });
    expect(errors(taken.createDatabaseUser.userErrors)).toEqual(['input.username:TAKEN']);
    const bad = await client.data(CreateDatabaseUserDocument, { input: { accountId: "'; --", type: 'MARIADB', username: 'dbco_x', password: 'a long password' } });
    expect(errors(bad.createDatabaseUser.userErrors)).toEqual(['input.accountId:INVALID']);
    expect(await rows()).toEqual(before);
  });
});

describe('databases', () => {
  test('the first user owns it, the others are read-write; duplicates dropped; the order can change', async () => {
    const a = await newUser('POSTGRESQL', 'dbco_a');
    const b = await newUser('POSTGRESQL', 'dbco_b');
    const r = await client.data(CreateDatabaseDocument, { input: { accountId, type: 'POSTGRESQL', name: 'dbco_shop', userIds: [a.id, b.id, a.id] } });
    expect(r.createDatabase.userErrors).toEqual([]);
    expect(r.createDatabase.database).toMatchObject({ name: 'dbco_shop', type: 'POSTGRESQL', owner: { username: 'dbco_a' }, users: [{ username: 'dbco_a' }, { username: 'dbco_b' }] });
    const swapped = await client.data(UpdateDatabaseDocument, { input: { id: r.createDatabase.database!.id, userIds: [b.id, a.id] } });
    expect(swapped.updateDatabase.database).toMatchObject({ owner: { username: 'dbco_b' }, users: [{ username: 'dbco_b' }, { username: 'dbco_a' }] });
    // Deleting a read-write user takes it off the database; deleting the owner is refused.
    const refused = await client.data(DeleteDatabaseUserDocument, { id: b.id });
    expect(refused.deleteDatabaseUser.userErrors).toEqual([expect.objectContaining({ field: 'id', code: 'NOT_ALLOWED', message: expect.stringContaining('dbco_shop') })]);
    expect((await client.data(DeleteDatabaseUserDocument, { id: a.id })).deleteDatabaseUser.userErrors).toEqual([]);
    expect((await client.data(DatabaseDocument, { id: r.createDatabase.database!.id })).database.users.map((u) => u.username)).toEqual(['dbco_b']);
  });

  test('a user of one engine cannot be given a database of the other', async () => {
    const my = await newUser('MARIADB', 'dbco_mixed');
    const before = await rows();
    const r = await client.data(CreateDatabaseDocument, { input: { accountId, type: 'POSTGRESQL', name: 'dbco_mixed', userIds: [my.id] } });
    expect(r.createDatabase.userErrors).toEqual([{ field: 'input.userIds', code: 'INVALID', message: 'dbco_mixed is a mariadb user: a postgresql database needs postgresql users' }]);
    expect(await rows()).toEqual(before);
  });

  test.each([
    ['', 'input.name:REQUIRED'], ['Shop', 'input.name:INVALID'], ['x'.repeat(64), 'input.name:TOO_LONG'], ['a-b', 'input.name:INVALID'], ["o'neil", 'input.name:INVALID'],
    ['db`x', 'input.name:INVALID'], ['db;drop', 'input.name:INVALID'], ['$(id)', 'input.name:INVALID'], ['db\nx', 'input.name:INVALID'], ['db\\x', 'input.name:INVALID'],
    ['ünï', 'input.name:INVALID'], ['db%', 'input.name:INVALID'], ['mysql', 'input.name:INVALID'], ['template1', 'input.name:INVALID'], ['pg_x', 'input.name:INVALID'],
  ])('name %j is refused, nothing written', async (name, expected) => {
    const owner = (await h.orm.em.fork().findOneOrFail(DatabaseUser, { username: 'dbco_pg' })).id;
    const before = await rows();
    const r = await client.data(CreateDatabaseDocument, { input: { accountId, type: 'POSTGRESQL', name, userIds: [Buffer.from(`DatabaseUser:${owner}`).toString('base64url')] } });
    expect(errors(r.createDatabase.userErrors)).toEqual([expected]);
    expect(await rows()).toEqual(before);
  });

  test.each([
    [[], 'input.userIds:REQUIRED'], [["'; DROP TABLE x; --"], 'input.userIds:INVALID'], [['QWNjb3VudDox'], 'input.userIds:INVALID'],
    [[Buffer.from('DatabaseUser:999999').toString('base64url')], 'input.userIds:NOT_FOUND'],
  ])('users %j are refused, nothing written', async (userIds, expected) => {
    const before = await rows();
    const r = await client.data(CreateDatabaseDocument, { input: { accountId, type: 'POSTGRESQL', name: 'dbco_users', userIds } });
    expect(errors(r.createDatabase.userErrors)).toEqual([expected]);
    expect(await rows()).toEqual(before);
  });

  test('a dry run plans the scripts and saves nothing', async () => {
    const owner = await newUser('MARIADB', 'dbco_dry');
    const before = await rows();
    const r = await client.data(CreateDatabaseDocument, { input: { accountId, type: 'MARIADB', name: 'dbco_dry', userIds: [owner.id] }, dryRun: true });
    expect(r.createDatabase.database).toBeNull();
    expect(r.createDatabase.plan!.map((p) => p.backend)).toEqual(['mariadb-databases']);
    expect(r.createDatabase.plan![0]!.script).toContain('CREATE DATABASE IF NOT EXISTS `dbco_dry`;');
    expect(await rows()).toEqual(before);
  });
});

test('operations go only to the backend of the object\'s engine', async () => {
  const since = (await h.orm.em.fork().findOne(Operation, { id: { $gt: '0' } }, { orderBy: { id: 'desc' } }))?.id ?? '0';
  await newUser('MARIADB', 'dbco_engine');
  await newUser('POSTGRESQL', 'dbco_engine');
  const ops = await h.orm.em.fork().find(Operation, { id: { $gt: since } }, { orderBy: { id: 'asc' } });
  expect(ops.map((o) => `${o.backend}:${o.objectLabel}`)).toEqual(['mariadb-users:dbco_engine (mariadb)', 'postgresql-users:dbco_engine (postgresql)']);
});

test('a password is nowhere in clear: no table holds it (audit log, operations, scripts); scripts carry only the hash', async () => {
  const password = 'Canary-Password-$(touch /tmp/canary)-\'"`';
  const my = await newUser('MARIADB', 'dbco_secret', password);
  const pg = await newUser('POSTGRESQL', 'dbco_secret', password);
  expect((await client.data(UpdateDatabaseUserDocument, { input: { id: my.id, password: `${password} 2` } })).updateDatabaseUser.userErrors).toEqual([]);
  expect((await client.data(UpdateDatabaseUserDocument, { input: { id: pg.id, password: `${password} 2` } })).updateDatabaseUser.userErrors).toEqual([]);
  const connection = h.orm.em.fork().getConnection();
  const tables = (await connection.execute<{ table_name: string }[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).map((t) => t.table_name);
  expect(tables).toEqual(expect.arrayContaining(['audit_entry', 'operation', 'script_run', 'database_user']));
  for (const table of tables) {
    const [{ n }] = await connection.execute<{ n: string }[]>(`SELECT count(*) AS n FROM "${table}" t WHERE position(? in t::text) > 0`, ['Canary-Password']);
    expect([table, Number(n)]).toEqual([table, 0]);
  }
  const scripts = (await h.orm.em.fork().find(ScriptRun, { backend: 'mariadb-users' })).map((r) => r.script).join('\n');
  expect(scripts).toContain(mysqlNativePasswordHash(`${password} 2`));
});

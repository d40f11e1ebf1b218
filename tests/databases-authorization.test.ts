/**
 * The authorisation matrix for databases and database users: anonymous, a user of account A, a user of account B and
 * an admin, over every query, mutation and field, aimed at account A's objects. A denied call changes nothing (no
 * rows, no operations); lists are scoped to the caller's account; B cannot give A's users to its databases.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Database } from '../src/entities/services/database.js';
import { DatabaseUser } from '../src/entities/services/database-user.js';
import {
  CreateDatabaseDocument, CreateDatabaseUserDocument, DatabaseDocument, DatabaseNodeDocument, DatabasesDocument, DatabaseUserDocument,
  DatabaseUsersDocument, DeleteDatabaseDocument, DeleteDatabaseUserDocument, UpdateDatabaseDocument, UpdateDatabaseUserDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { ANY_USER, OWNER_OR_ADMIN, type Caller, type Case } from './support/authorization-matrix.js';
import { accountWithUser, outcome } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let clients: Record<Caller, GraphQLClient>;
let accountA: string;
let accountB: string;
let ownerA: string;
let userA: string;
let databaseA: string;
let userB: string;

async function snapshot() {
  const em = h.orm.em.fork();
  const strip = (rows: object[]) => rows.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    users: strip(await em.find(DatabaseUser, {}, { orderBy: { id: 'asc' } })),
    databases: strip(await em.find(Database, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

const random = () => Math.random().toString(36).slice(2, 8);

async function newUser(c: GraphQLClient, accountId: string, username: string) {
  const r = await c.data(CreateDatabaseUserDocument, { input: { accountId, type: 'POSTGRESQL', username, password: 'a long password' } });
  if (r.createDatabaseUser.userErrors.length) throw new Error(JSON.stringify(r.createDatabaseUser.userErrors));
  return r.createDatabaseUser.databaseUser!.id;
}

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'alpha');
  const b = await accountWithUser(h.admin, 'bravo');
  accountA = a.account.id;
  accountB = b.account.id;
  ownerA = await newUser(a.client, accountA, 'alpha_owner');
  userA = await newUser(a.client, accountA, 'alpha_rw');
  const created = await a.client.data(CreateDatabaseDocument, { input: { accountId: accountA, type: 'POSTGRESQL', name: 'alpha_db', userIds: [ownerA, userA] } });
  databaseA = created.createDatabase.database!.id;
  userB = await newUser(b.client, accountB, 'bravo_owner');
  await b.client.data(CreateDatabaseDocument, { input: { accountId: accountB, type: 'POSTGRESQL', name: 'bravo_db', userIds: [userB] } });
  clients = { anonymous: h.client, userA: a.client, userB: b.client, admin: h.admin };
});
afterAll(() => h?.close());

const cases: Case[] = [
  // Every field of both types: the fragments select them all (users, owner and account included).
  { name: 'query database(A)', run: (c) => c.request(DatabaseDocument, { id: databaseA }), expected: OWNER_OR_ADMIN },
  { name: 'query databaseUser(A)', run: (c) => c.request(DatabaseUserDocument, { id: userA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(database A)', run: (c) => c.request(DatabaseNodeDocument, { id: databaseA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(database user A)', run: (c) => c.request(DatabaseNodeDocument, { id: userA }), expected: OWNER_OR_ADMIN },
  { name: 'query databases', run: (c) => c.request(DatabasesDocument, {}), expected: ANY_USER },
  { name: 'query databaseUsers', run: (c) => c.request(DatabaseUsersDocument, {}), expected: ANY_USER },
  {
    name: 'mutation createDatabaseUser(A)',
    run: (c) => c.request(CreateDatabaseUserDocument, { input: { accountId: accountA, type: 'MARIADB', username: `alpha_${random()}`, password: 'a long password' } }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  {
    name: 'mutation updateDatabaseUser(A)',
    run: (c) => c.request(UpdateDatabaseUserDocument, { input: { id: userA, password: `secret-${random()}-long` } }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  {
    name: 'mutation createDatabase(A)',
    run: (c) => c.request(CreateDatabaseDocument, { input: { accountId: accountA, type: 'POSTGRESQL', name: `alpha_${random()}`, userIds: [ownerA] } }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  {
    name: 'mutation updateDatabase(A)',
    run: (c) => c.request(UpdateDatabaseDocument, { input: { id: databaseA, userIds: [ownerA, userA] } }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  {
    name: 'mutation deleteDatabaseUser(owner of A\'s database)',
    run: (c) => c.request(DeleteDatabaseUserDocument, { id: ownerA }),
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'REJECTED', userB: 'NOT_FOUND', admin: 'REJECTED' },
    mutates: true,
  },
];

describe.each(['anonymous', 'userB', 'userA', 'admin'] as Caller[])('as %s', (caller) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = c.mutates ? await snapshot() : null;
    const result = await c.run(clients[caller]);
    expect(outcome(result)).toBe(c.expected[caller]);
    if (c.expected[caller] !== 'ok' && before) expect(await snapshot()).toEqual(before);
    if (c.expected[caller] === 'ok') expect(result.data).toBeTruthy();
  });
});

test("lists show account users only their own account's objects; admins see all", async () => {
  const owners = async (c: GraphQLClient) => new Set((await c.data(DatabasesDocument, { first: 100 })).databases.nodes.map((n) => n.account.username));
  const userOwners = async (c: GraphQLClient) => new Set((await c.data(DatabaseUsersDocument, { first: 100 })).databaseUsers.nodes.map((n) => n.account.username));
  expect(await owners(clients.userA)).toEqual(new Set(['alpha']));
  expect(await owners(clients.userB)).toEqual(new Set(['bravo']));
  expect(await owners(clients.admin)).toEqual(new Set(['alpha', 'bravo']));
  expect(await userOwners(clients.userA)).toEqual(new Set(['alpha']));
  expect(await userOwners(clients.userB)).toEqual(new Set(['bravo']));
  expect(await userOwners(clients.admin)).toEqual(new Set(['alpha', 'bravo']));
  expect((await clients.userB.data(DatabasesDocument, { filter: { accountId: accountA } })).databases.totalCount).toBe(0);
  expect((await clients.userB.data(DatabaseUsersDocument, { filter: { accountId: accountA } })).databaseUsers.totalCount).toBe(0);
});

test("B cannot give A's users to its databases (NOT_FOUND), nor learn more than \"taken\" of A's names", async () => {
  const before = await snapshot();
  const borrowed = await clients.userB.data(CreateDatabaseDocument, { input: { accountId: accountB, type: 'POSTGRESQL', name: 'bravo_x', userIds: [userA] } });
  expect(borrowed.createDatabase.userErrors).toEqual([expect.objectContaining({ field: 'input.userIds', code: 'NOT_FOUND' })]);
  const swapped = await clients.userB.data(UpdateDatabaseDocument, { input: { id: databaseA, userIds: [userB] } });
  expect(swapped.updateDatabase.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  const taken = await clients.userB.data(CreateDatabaseDocument, { input: { accountId: accountB, type: 'POSTGRESQL', name: 'alpha_db', userIds: [userB] } });
  expect(taken.createDatabase.userErrors).toEqual([{ field: 'input.name', message: 'is already taken', code: 'TAKEN' }]);
  const takenUser = await clients.userB.data(CreateDatabaseUserDocument, { input: { accountId: accountB, type: 'POSTGRESQL', username: 'alpha_rw', password: 'a long password' } });
  expect(takenUser.createDatabaseUser.userErrors).toEqual([{ field: 'input.username', message: 'is already taken', code: 'TAKEN' }]);
  expect(await snapshot()).toEqual(before);
});

test("deletes: anonymous and B get UNAUTHENTICATED and NOT_FOUND for A's objects; A deletes them", async () => {
  const before = await snapshot();
  for (const [caller, code] of [['anonymous', 'UNAUTHENTICATED'], ['userB', 'NOT_FOUND']] as const) {
    expect(outcome(await clients[caller].request(DeleteDatabaseDocument, { id: databaseA }))).toBe(code);
    expect(outcome(await clients[caller].request(DeleteDatabaseUserDocument, { id: userA }))).toBe(code);
  }
  expect(await snapshot()).toEqual(before);
  expect(outcome(await clients.userA.request(DeleteDatabaseUserDocument, { id: userA }))).toBe('ok');
  expect(outcome(await clients.userA.request(DeleteDatabaseDocument, { id: databaseA }))).toBe('ok');
  // Left: the owner, and what the matrix created as A and as admin (two MariaDB users, two databases of the owner).
  const em = h.orm.em.fork();
  expect(await em.count(DatabaseUser, { account: { username: 'alpha' } })).toBe(3);
  expect(await em.count(Database, { account: { username: 'alpha' } })).toBe(2);
});

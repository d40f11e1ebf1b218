/**
 * The authorisation matrix for system users and crontabs: anonymous, a user of account A, a user of account B and an
 * admin, over every query and mutation, aimed at account A's objects. A denied call changes nothing (no rows, no
 * operations); lists are scoped to the caller's account.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import {
  CreateCrontabDocument, CreateSystemUserDocument, CrontabDocument, CrontabsDocument, DeleteCrontabDocument, DeleteSystemUserDocument,
  DisableSystemUserDocument, EnableSystemUserDocument, SystemUserDocument, SystemUserNodeDocument, SystemUsersDocument,
  UpdateCrontabDocument, UpdateSystemUserDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { OWNER_OR_ADMIN, ANY_USER, type Caller, type Case } from './support/authorization-matrix.js';
import { accountWithUser, outcome } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { crontabFor, mainSystemUser, systemUserFor } from './support/service-fixtures.js';


let h: ApiHarness;
let clients: Record<Caller, GraphQLClient>;
let accountA: string;
let accountB: string;
let userA: string;
let mainA: string;
let crontabA: string;

async function snapshot() {
  const em = h.orm.em.fork();
  const strip = (rows: object[]) => rows.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    users: strip(await em.find(SystemUser, {}, { orderBy: { id: 'asc' } })),
    crontabs: strip(await em.find(Crontab, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

const random = () => Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'alpha');
  const b = await accountWithUser(h.admin, 'bravo');
  accountA = a.account.id;
  accountB = b.account.id;
  mainA = (await mainSystemUser(h.orm, accountA)).id;
  await mainSystemUser(h.orm, accountB);
  userA = (await systemUserFor(a.client, accountA, 'alphaweb')).id;
  crontabA = (await crontabFor(a.client, userA)).id;
  const userB = await systemUserFor(b.client, accountB, 'bravoweb');
  await crontabFor(b.client, userB.id);
  clients = { anonymous: h.client, userA: a.client, userB: b.client, admin: h.admin };
});
afterAll(() => h?.close());


const cases: Case[] = [
  { name: 'query systemUser(A)', run: (c) => c.request(SystemUserDocument, { id: userA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(system user A)', run: (c) => c.request(SystemUserNodeDocument, { id: userA }), expected: OWNER_OR_ADMIN },
  { name: 'query systemUsers', run: (c) => c.request(SystemUsersDocument, {}), expected: ANY_USER },
  { name: 'query crontab(A)', run: (c) => c.request(CrontabDocument, { id: crontabA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(crontab A)', run: (c) => c.request(SystemUserNodeDocument, { id: crontabA }), expected: OWNER_OR_ADMIN },
  { name: 'query crontabs', run: (c) => c.request(CrontabsDocument, {}), expected: ANY_USER },
  {
    name: 'mutation createSystemUser(A)',
    run: (c) => c.request(CreateSystemUserDocument, { input: { accountId: accountA, username: `alpha${random()}` } }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  {
    name: 'mutation updateSystemUser(A)',
    run: (c) => c.request(UpdateSystemUserDocument, { input: { id: userA, password: `secret-${random()}-long` } }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  { name: 'mutation disableSystemUser(A)', run: (c) => c.request(DisableSystemUserDocument, { id: userA }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation enableSystemUser(A)', run: (c) => c.request(EnableSystemUserDocument, { id: userA }), expected: OWNER_OR_ADMIN, mutates: true },
  {
    name: 'mutation deleteSystemUser(main A)',
    run: (c) => c.request(DeleteSystemUserDocument, { id: mainA }),
    expected: { anonymous: 'UNAUTHENTICATED', userA: 'REJECTED', userB: 'NOT_FOUND', admin: 'REJECTED' },
    mutates: true,
  },
  {
    name: 'mutation createCrontab(A)',
    run: (c) => c.request(CreateCrontabDocument, { input: { systemUserId: userA, command: `echo ${random()}` } }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  {
    name: 'mutation updateCrontab(A)',
    run: (c) => c.request(UpdateCrontabDocument, { input: { id: crontabA, description: `run ${random()}` } }),
    expected: OWNER_OR_ADMIN,
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

test('lists show account users only their own account\'s objects; admins see all', async () => {
  const owners = async (c: GraphQLClient) => new Set((await c.data(SystemUsersDocument, { first: 100 })).systemUsers.nodes.map((n) => n.account.username));
  expect(await owners(clients.userA)).toEqual(new Set(['alpha']));
  expect(await owners(clients.userB)).toEqual(new Set(['bravo']));
  expect([...(await owners(clients.admin))]).toEqual(expect.arrayContaining(['alpha', 'bravo']));
  const cronOwners = async (c: GraphQLClient) => new Set((await c.data(CrontabsDocument, { first: 100 })).crontabs.nodes.map((n) => n.account.username));
  expect(await cronOwners(clients.userA)).toEqual(new Set(['alpha']));
  expect(await cronOwners(clients.userB)).toEqual(new Set(['bravo']));
  expect(await cronOwners(clients.admin)).toEqual(new Set(['alpha', 'bravo']));
  // Filtering by another account's objects gives nothing rather than its rows.
  expect((await clients.userB.data(SystemUsersDocument, { filter: { accountId: accountA } })).systemUsers.totalCount).toBe(0);
  expect((await clients.userB.data(CrontabsDocument, { filter: { accountId: accountA } })).crontabs.totalCount).toBe(0);
  expect((await clients.userB.data(CrontabsDocument, { filter: { systemUserId: userA } })).crontabs.totalCount).toBe(0);
});

test('B cannot reach A\'s users through groups, nor name them to learn more than "taken"', async () => {
  const before = await snapshot();
  const joined = await clients.userB.data(CreateSystemUserDocument, { input: { accountId: accountB, username: `bravo${random()}`, groups: ['alphaweb'] } });
  expect(joined.createSystemUser.userErrors).toEqual([expect.objectContaining({ field: 'input.groups', code: 'NOT_FOUND' })]);
  const taken = await clients.userB.data(CreateSystemUserDocument, { input: { accountId: accountB, username: 'alphaweb' } });
  expect(taken.createSystemUser.userErrors).toEqual([{ field: 'input.username', message: 'is already taken', code: 'TAKEN' }]);
  expect(await snapshot()).toEqual(before);
});

test('deletes: B gets NOT_FOUND for A\'s crontab and system user; A deletes them', async () => {
  const victim = await systemUserFor(clients.userA, accountA, 'alphavictim');
  const line = await crontabFor(clients.userA, victim.id);
  const before = await snapshot();
  for (const [caller, code] of [['anonymous', 'UNAUTHENTICATED'], ['userB', 'NOT_FOUND']] as const) {
    expect(outcome(await clients[caller].request(DeleteCrontabDocument, { id: line.id }))).toBe(code);
    expect(outcome(await clients[caller].request(DeleteSystemUserDocument, { id: victim.id }))).toBe(code);
  }
  expect(await snapshot()).toEqual(before);
  expect(outcome(await clients.userA.request(DeleteCrontabDocument, { id: line.id }))).toBe('ok');
  expect(outcome(await clients.userA.request(DeleteSystemUserDocument, { id: victim.id }))).toBe('ok');
  const em = h.orm.em.fork();
  expect(await em.count(SystemUser, { username: 'alphavictim' })).toBe(0);
});

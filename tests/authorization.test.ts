/**
 * The authorisation matrix: anonymous, a user of account A, a user of account B and an admin, over every account
 * and contact query and mutation, aimed at account A's objects. A denied call must also change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Account } from '../src/entities/accounts/account.js';
import { BillContact } from '../src/entities/accounts/bill-contact.js';
import { Contact } from '../src/entities/accounts/contact.js';
import {
  AccountCommentsDocument, AccountDocument, AccountsDocument, ContactDocument, ContactsDocument, CreateAccountDocument,
  CreateContactDocument, DeleteAccountDocument, DeleteContactDocument, DisableAccountDocument, EnableAccountDocument,
  LoginDocument, MyAccountDocument, NodeDocument, SetBillContactDocument, UpdateAccountDocument, UpdateContactDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { OWNER_OR_ADMIN, ADMIN_ONLY, ANY_USER, type Caller, type Case } from './support/authorization-matrix.js';
import { accountWithUser, contactFor, outcome, PASSWORD } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';


let h: ApiHarness;
let clients: Record<Caller, GraphQLClient>;
let accountA: string;
let contactA: string;

/** A snapshot of everything the matrix's mutations could change, to prove a denied call changed nothing. */
async function snapshot() {
  const em = h.orm.em.fork();
  const accounts = await em.find(Account, {}, { orderBy: { id: 'asc' } });
  const contacts = await em.find(Contact, {}, { orderBy: { id: 'asc' } });
  const bills = await em.find(BillContact, {}, { orderBy: { id: 'asc' } });
  const strip = (rows: object[]) => rows.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return { accounts: strip(accounts), contacts: strip(contacts), bills: strip(bills) };
}

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'alpha');
  const b = await accountWithUser(h.admin, 'bravo');
  accountA = a.account.id;
  contactA = (await contactFor(a.client, accountA)).id;
  await contactFor(b.client, b.account.id, 'Bob');
  clients = { anonymous: h.client, userA: a.client, userB: b.client, admin: h.admin };
});

afterAll(() => h?.close());


const cases: Case[] = [
  { name: 'query account(A)', run: (c) => c.request(AccountDocument, { id: accountA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(A)', run: (c) => c.request(NodeDocument, { id: accountA }), expected: OWNER_OR_ADMIN },
  { name: 'query account(A).comments', run: (c) => c.request(AccountCommentsDocument, { id: accountA }), expected: { ...OWNER_OR_ADMIN, userA: 'FORBIDDEN' } },
  { name: 'query accounts', run: (c) => c.request(AccountsDocument, {}), expected: ANY_USER },
  { name: 'query myAccount', run: (c) => c.request(MyAccountDocument), expected: ANY_USER },
  { name: 'query contact(A)', run: (c) => c.request(ContactDocument, { id: contactA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(contact A)', run: (c) => c.request(NodeDocument, { id: contactA }), expected: OWNER_OR_ADMIN },
  { name: 'query contacts', run: (c) => c.request(ContactsDocument, {}), expected: ANY_USER },
  {
    name: 'mutation createAccount',
    run: (c) => c.request(CreateAccountDocument, { input: { username: `n${Math.random().toString(36).slice(2, 8)}` } }),
    expected: ADMIN_ONLY,
    mutates: true,
  },
  { name: 'mutation updateAccount(A)', run: (c) => c.request(UpdateAccountDocument, { input: { id: accountA, fullName: `Alpha ${Math.random()}` } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateAccount(A).type', run: (c) => c.request(UpdateAccountDocument, { input: { id: accountA, type: 'COMPANY' } }), expected: { ...OWNER_OR_ADMIN, userA: 'REJECTED' }, mutates: true },
  { name: 'mutation disableAccount(A)', run: (c) => c.request(DisableAccountDocument, { id: accountA }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation enableAccount(A)', run: (c) => c.request(EnableAccountDocument, { id: accountA }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation createContact(A)', run: (c) => c.request(CreateContactDocument, { input: { accountId: accountA, shortName: 'X', email: 'x@example.org' } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateContact(A)', run: (c) => c.request(UpdateContactDocument, { input: { id: contactA, fullName: `Ada ${Math.random()}` } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation setBillContact(A)', run: (c) => c.request(SetBillContactDocument, { input: { accountId: accountA, name: 'Alpha SL', address: 'Carrer 1', city: 'Barcelona', zipcode: '08001', country: 'ES' } }), expected: OWNER_OR_ADMIN, mutates: true },
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
  // The admin's disableAccount(A) above ended A's sessions (enabling A again does not revive them): log in again.
  const login = await h.client.data(LoginDocument, { input: { username: 'alpha', password: PASSWORD } });
  clients.userA = h.client.as(login.login.token!);
  const usernames = async (c: GraphQLClient) => (await c.data(AccountsDocument, { first: 100 })).accounts.edges.map((e) => e.node.username).sort();
  expect(await usernames(clients.userA)).toEqual(['alpha']);
  expect(await usernames(clients.userB)).toEqual(['bravo']);
  expect(await usernames(clients.admin)).toEqual(expect.arrayContaining(['admin', 'alpha', 'bravo']));
  const contactEmails = async (c: GraphQLClient) => (await c.data(ContactsDocument, { first: 100 })).contacts.nodes.map((n) => n.account.username);
  expect(new Set(await contactEmails(clients.userA))).toEqual(new Set(['alpha']));
  expect(new Set(await contactEmails(clients.userB))).toEqual(new Set(['bravo']));
  expect(new Set(await contactEmails(clients.admin))).toEqual(new Set(['alpha', 'bravo']));
  // Filtering by another account's id gives nothing rather than its rows.
  const filtered = await clients.userB.data(ContactsDocument, { filter: { accountId: accountA } });
  expect(filtered.contacts.totalCount).toBe(0);
});

test('deletes: account B cannot delete A\'s contact; A can; only admins delete accounts', async () => {
  const victim = await contactFor(clients.userA, accountA, 'Victim');
  expect(outcome(await clients.anonymous.request(DeleteContactDocument, { id: victim.id }))).toBe('UNAUTHENTICATED');
  expect(outcome(await clients.userB.request(DeleteContactDocument, { id: victim.id }))).toBe('NOT_FOUND');
  expect(await h.orm.em.fork().count(Contact, { shortName: 'Victim' })).toBe(1);
  expect(outcome(await clients.userA.request(DeleteContactDocument, { id: victim.id }))).toBe('ok');
  expect(await h.orm.em.fork().count(Contact, { shortName: 'Victim' })).toBe(0);

  const { account } = await accountWithUser(h.admin, 'charlie');
  for (const caller of ['anonymous', 'userA', 'userB'] as Caller[]) {
    expect(outcome(await clients[caller].request(DeleteAccountDocument, { id: account.id }))).toBe(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  }
  expect(await h.orm.em.fork().count(Account, { username: 'charlie' })).toBe(1);
  const deleted = await h.admin.data(DeleteAccountDocument, { id: account.id });
  expect(deleted.deleteAccount.deletedId).toBe(account.id);
  expect(await h.orm.em.fork().count(Account, { username: 'charlie' })).toBe(0);
});

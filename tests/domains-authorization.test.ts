/**
 * The authorisation matrix for domains and records: anonymous, a user of account A, a user of account B and an
 * admin, over every query, mutation and field, aimed at account A's objects. A denied call changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Domain } from '../src/entities/dns/domain.js';
import { DomainRecord } from '../src/entities/dns/domain-record.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import {
  CreateDomainDocument, CreateDomainRecordDocument, DeleteDomainDocument, DeleteDomainRecordDocument, DnsNodeDocument, DomainDocument, DomainRecordDocument,
  DomainsDocument, UpdateDomainDocument, UpdateDomainRecordDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { ANY_USER, OWNER_OR_ADMIN, type Caller, type Case } from './support/authorization-matrix.js';
import { accountWithUser, outcome } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let clients: Record<Caller, GraphQLClient>;
let accountA: string;
let domainA: string;
let recordA: string;
let n = 0;

async function snapshot() {
  const em = h.orm.em.fork();
  const strip = (rows: object[]) => rows.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    domains: strip(await em.find(Domain, {}, { orderBy: { id: 'asc' } })),
    records: strip(await em.find(DomainRecord, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'alpha');
  const b = await accountWithUser(h.admin, 'bravo');
  accountA = a.account.id;
  const created = await a.client.data(CreateDomainDocument, { input: { accountId: accountA, name: 'alpha.example', records: [{ type: 'A', value: '192.0.2.1' }] } });
  domainA = created.createDomain.domain!.id;
  recordA = created.createDomain.domain!.records[0]!.id;
  await b.client.data(CreateDomainDocument, { input: { accountId: b.account.id, name: 'bravo.example' } });
  clients = { anonymous: h.client, userA: a.client, userB: b.client, admin: h.admin };
});
afterAll(() => h?.close());

const cases: Case[] = [
  // Every field of Domain (soa, zone, records, defaultRecords, subdomains, top, account) is in DomainDocument.
  { name: 'query domain(A) with every field', run: (c) => c.request(DomainDocument, { id: domainA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(domain A)', run: (c) => c.request(DnsNodeDocument, { id: domainA }), expected: OWNER_OR_ADMIN },
  { name: 'query domainRecord(A)', run: (c) => c.request(DomainRecordDocument, { id: recordA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(record A)', run: (c) => c.request(DnsNodeDocument, { id: recordA }), expected: OWNER_OR_ADMIN },
  { name: 'query domains', run: (c) => c.request(DomainsDocument, {}), expected: ANY_USER },
  { name: 'mutation createDomain(A)', run: (c) => c.request(CreateDomainDocument, { input: { accountId: accountA, name: `d${++n}.alpha-new.example` } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation createDomain(subdomain of A)', run: (c) => c.request(CreateDomainDocument, { input: { accountId: accountA, name: `s${++n}.alpha.example` } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateDomain(A)', run: (c) => c.request(UpdateDomainDocument, { input: { id: domainA, refresh: 3600 + ++n } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation createDomainRecord(A)', run: (c) => c.request(CreateDomainRecordDocument, { input: { domainId: domainA, type: 'TXT', value: `t${++n}` } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateDomainRecord(A)', run: (c) => c.request(UpdateDomainRecordDocument, { input: { id: recordA, ttl: 60 + ++n } }), expected: OWNER_OR_ADMIN, mutates: true },
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

test('lists show account users only their own domains; admins see all', async () => {
  const owners = async (c: GraphQLClient) => new Set((await c.data(DomainsDocument, { first: 100 })).domains.nodes.map((d) => d.account.username));
  expect(await owners(clients.userA)).toEqual(new Set(['alpha']));
  expect(await owners(clients.userB)).toEqual(new Set(['bravo']));
  expect(await owners(clients.admin)).toEqual(new Set(['alpha', 'bravo']));
  expect((await clients.userB.data(DomainsDocument, { filter: { accountId: accountA } })).domains.totalCount).toBe(0);
});

test('B cannot create a domain for A, nor under A\'s names; deletes: B gets NOT_FOUND, A deletes', async () => {
  const before = await snapshot();
  expect(outcome(await clients.userB.request(CreateDomainDocument, { input: { accountId: accountA, name: 'b-for-a.example' } }))).toBe('NOT_FOUND');
  const bravo = (await clients.userB.data(DomainsDocument, {})).domains.nodes[0]!.account.id;
  const under = await clients.userB.data(CreateDomainDocument, { input: { accountId: bravo, name: 'evil.alpha.example' } });
  expect(under.createDomain.userErrors).toEqual([expect.objectContaining({ field: 'input.name', code: 'NOT_ALLOWED' })]);
  for (const [caller, code] of [['anonymous', 'UNAUTHENTICATED'], ['userB', 'NOT_FOUND']] as const) {
    expect(outcome(await clients[caller].request(DeleteDomainRecordDocument, { id: recordA }))).toBe(code);
    expect(outcome(await clients[caller].request(DeleteDomainDocument, { id: domainA }))).toBe(code);
  }
  expect(await snapshot()).toEqual(before);
  expect(outcome(await clients.userA.request(DeleteDomainRecordDocument, { id: recordA }))).toBe('ok');
  expect(outcome(await clients.userA.request(DeleteDomainDocument, { id: domainA }))).toBe('ok');
  expect(await h.orm.em.fork().count(Domain, { name: 'alpha.example' })).toBe(0);
});

/**
 * Domains and records over real HTTP: names (IDNA, wildcard, limits), every record type checked for its type,
 * default records from configuration, top domains and subdomains kept in step, the serial, and the whole-zone check
 * by named-checkzone mapped to the record at fault. A refused change saves nothing and writes no operation.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setDnsSettings, readDnsSettings } from '../src/config/dns-settings.js';
import { Domain } from '../src/entities/dns/domain.js';
import { DomainRecord } from '../src/entities/dns/domain-record.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { nextSerial } from '../src/services/domains/serial.js';
import {
  CreateDomainDocument, CreateDomainRecordDocument, DeleteDomainDocument, DeleteDomainRecordDocument, DnsNodeDocument, DomainDocument, DomainsDocument,
  UpdateDomainDocument, UpdateDomainRecordDocument, DeleteAccountDocument, type DnsRecordType,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let client: GraphQLClient;
let accountId: string;
let other: GraphQLClient;
let otherId: string;

beforeAll(async () => {
  setDnsSettings(readDnsSettings({ ORCHESTRA_DNS_DEFAULT_NS: 'ns1.hoster.example,ns2.hoster.example', ORCHESTRA_DNS_DEFAULT_MX: '10 mx.hoster.example', ORCHESTRA_DNS_DEFAULT_A: '198.51.100.80' }).settings);
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'zoneco');
  client = a.client;
  accountId = a.account.id;
  const b = await accountWithUser(h.admin, 'rivalco');
  other = b.client;
  otherId = b.account.id;
});
afterAll(async () => {
  setDnsSettings(undefined);
  await h?.close();
});

async function rows() {
  const em = h.orm.em.fork();
  const strip = (list: object[]) => list.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    domains: strip(await em.find(Domain, {}, { orderBy: { id: 'asc' } })),
    records: strip(await em.find(DomainRecord, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

async function domain(name: string, records: { type: DnsRecordType; value: string; ttl?: number }[] = [], as = client, account = accountId) {
  const r = await as.data(CreateDomainDocument, { input: { accountId: account, name, records } });
  if (r.createDomain.userErrors.length) throw new Error(JSON.stringify(r.createDomain.userErrors));
  return r.createDomain.domain!;
}

describe('names', () => {
  test('Unicode names are stored in punycode and shown both ways; case and a final dot are normalised', async () => {
    const d = await domain('Bücher-Zone.EXAMPLE.');
    expect(d).toMatchObject({ name: 'xn--bcher-zone-9db.example', unicodeName: 'bücher-zone.example', isTop: true, top: null });
    expect((await client.data(DnsNodeDocument, { id: d.id })).node).toMatchObject({ name: 'xn--bcher-zone-9db.example' });
  });

  test.each([
    ['', 'REQUIRED'], ['example', 'INVALID'], ['a..example', 'INVALID'], ['-a.example', 'INVALID'], ['a-.example', 'INVALID'], ['1.2.3.4', 'INVALID'],
    ['a b.example', 'INVALID'], [`${'a'.repeat(64)}.example`, 'INVALID'], [`${'a.'.repeat(127)}example`, 'INVALID'], ['*.*.zone.example', 'INVALID'],
    ['a.*.example', 'INVALID'], ['$(touch /tmp/canary).example', 'INVALID'], ['a\nb.example', 'INVALID'], ['`id`.example', 'INVALID'], ["a'b.example", 'INVALID'],
    ['a;b.example', 'INVALID'], ['a\\b.example', 'INVALID'], [' a.example', 'INVALID'], ['a.example\u0000', 'INVALID'], ['a"b.example', 'INVALID'],
    // Names that can only be names inside a zone, not zones of their own.
    ['*.nozone.example', 'INVALID'], ['_dmarc.nozone.example', 'INVALID'],
  ])('%j is refused (%s), nothing saved', async (name, code) => {
    const before = await rows();
    const r = await client.data(CreateDomainDocument, { input: { accountId, name } });
    expect(r.createDomain.domain).toBeNull();
    expect(r.createDomain.userErrors).toEqual([expect.objectContaining({ field: 'input.name', code })]);
    expect(await rows()).toEqual(before);
  });

  test('a name is unique; another account\'s tree of names is closed to you (both ways)', async () => {
    await domain('taken.example');
    const again = await client.data(CreateDomainDocument, { input: { accountId, name: 'TAKEN.example' } });
    expect(again.createDomain.userErrors).toEqual([expect.objectContaining({ field: 'input.name', code: 'TAKEN' })]);
    const under = await other.data(CreateDomainDocument, { input: { accountId: otherId, name: 'www.taken.example' } });
    expect(under.createDomain.userErrors).toEqual([expect.objectContaining({ field: 'input.name', code: 'NOT_ALLOWED' })]);
    await domain('shop.rival.example', [], other, otherId);
    const above = await client.data(CreateDomainDocument, { input: { accountId, name: 'rival.example' } });
    expect(above.createDomain.userErrors).toEqual([expect.objectContaining({ field: 'input.name', code: 'NOT_ALLOWED' })]);
  });
});

describe('records, each checked for its type', () => {
  let zoneId: string;
  beforeAll(async () => {
    zoneId = (await domain('records.example', [{ type: 'A', value: '192.0.2.1' }])).id;
    await domain('mail.records.example', [{ type: 'A', value: '192.0.2.2' }]);
  });

  test.each([
    ['A', ' 192.0.2.7 ', '192.0.2.7'],
    ['AAAA', '2001:DB8:0::7', '2001:db8:0::7'],
    ['MX', '20   mail.records.example', '20 mail.records.example.'],
    ['NS', 'NS3.Hoster.example.', 'ns3.hoster.example.'],
    ['TXT', '  spaces kept  "quotes" \\ and ünïcode ', '  spaces kept  "quotes" \\ and ünïcode '],
    ['CAA', '0 ISSUE letsencrypt.org', '0 issue "letsencrypt.org"'],
    ['CAA', '128 iodef "mailto:sec@records.example"', '128 iodef "mailto:sec@records.example"'],
  ] as const)('%s %j is stored as %j', async (type, value, stored) => {
    const r = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type, value } });
    expect(r.createDomainRecord.userErrors).toEqual([]);
    expect(r.createDomainRecord.record).toMatchObject({ type, value: stored, ttl: null, domain: { name: 'records.example' } });
  });

  test.each([
    ['A', '192.0.2'], ['A', '192.0.2.256'], ['A', '2001:db8::1'], ['A', '192.0.2.1; touch /tmp/canary'], ['AAAA', '192.0.2.1'], ['AAAA', 'fe80::1%eth0'],
    ['CNAME', 'elsewhere.example'], ['MX', 'mail.records.example'], ['MX', '70000 mail.records.example'], ['MX', '10 192.0.2.1'], ['MX', '10 _x.records.example'],
    ['NS', '192.0.2.1'], ['NS', '*.records.example'], ['SRV', '10 5 mail.records.example'], ['SRV', '10 5 99999 mail.records.example'], ['TXT', 'a\nb'],
    ['TXT', 'x'.repeat(4001)], ['TXT', 'tab\there'], ['CAA', '256 issue "ca.example"'], ['CAA', '0 is-sue "ca.example"'], ['CAA', '0 issue "ü"'],
    ['CAA', '0 issue'], ['A', ''], ['TXT', '\u2028'], ['MX', '10 $(id).records.example'], ['CNAME', "it's.example"],
  ] as const)('%s %j is refused on input.value, nothing saved', async (type, value) => {
    const before = await rows();
    const r = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type, value } });
    expect(r.createDomainRecord.record).toBeNull();
    expect(r.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.value' })]);
    expect(await rows()).toEqual(before);
  });

  test('TTL: 0 to 2147483647 seconds, null for the zone\'s default', async () => {
    const r = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'TXT', value: 'ttl', ttl: 60 } });
    expect(r.createDomainRecord.record!.ttl).toBe(60);
    const bad = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'TXT', value: 'ttl2', ttl: -1 } });
    expect(bad.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.ttl' })]);
    const reset = await client.data(UpdateDomainRecordDocument, { input: { id: r.createDomainRecord.record!.id, ttl: null } });
    expect(reset.updateDomainRecord.record!.ttl).toBeNull();
  });

  test('a CNAME is alone at its name and never on a top domain; the same record twice is TAKEN', async () => {
    const alias = await domain('alias.records.example', [{ type: 'CNAME', value: 'records.example' }]);
    const beside = await client.data(CreateDomainRecordDocument, { input: { domainId: alias.id, type: 'TXT', value: 'x' } });
    expect(beside.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.value', message: expect.stringContaining('alone') })]);
    const top = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'CNAME', value: 'elsewhere.example' } });
    expect(top.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.value', message: expect.stringContaining('top domain') })]);
    const twice = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'A', value: '192.0.2.1' } });
    expect(twice.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.value', code: 'TAKEN' })]);
  });

  test('named-checkzone\'s verdict lands on the record at fault: the changed one, or another one named in the message', async () => {
    const before = await rows();
    const ns = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'NS', value: 'alias.records.example' } });
    expect(ns.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.value', message: expect.stringMatching(/named-checkzone.*alias\.records\.example.*CNAME/) })]);
    const batch = await client.data(CreateDomainDocument, { input: { accountId, name: 'batch.example', records: [{ type: 'TXT', value: 'fine' }, { type: 'MX', value: '10 mx.batch.example' }] } });
    expect(batch.createDomain.userErrors).toEqual([expect.objectContaining({ field: 'input.records[1].value', message: expect.stringContaining('has no address records') })]);
    expect(await rows()).toEqual(before);
    // Deleting the address an in-zone name server needs (a name with only TXT besides gets no default address):
    // the NS is named, on the deleted record's id.
    const host = await domain('ns.records.example', [{ type: 'A', value: '192.0.2.53' }, { type: 'TXT', value: 'name server' }]);
    const delegation = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'NS', value: 'ns.records.example' } });
    expect(delegation.createDomainRecord.userErrors).toEqual([]);
    const address = host.records.find((r) => r.type === 'A')!;
    const gone = await client.data(DeleteDomainRecordDocument, { id: address.id });
    expect(gone.deleteDomainRecord.userErrors).toEqual([
      expect.objectContaining({ field: 'id', message: expect.stringMatching(/^record \S+ \(records\.example NS ns\.records\.example\.\): refused by named-checkzone/) }),
    ]);
  });
});

describe('default records from configuration', () => {
  test('shown in the API and in the zone, unless the domain declares records of that type', async () => {
    const plain = await domain('defaults.example');
    expect(plain.defaultRecords).toEqual([
      { type: 'NS', value: 'ns1.hoster.example.' }, { type: 'NS', value: 'ns2.hoster.example.' }, { type: 'MX', value: '10 mx.hoster.example.' }, { type: 'A', value: '198.51.100.80' },
    ]);
    const own = await domain('own.example', [{ type: 'A', value: '192.0.2.9' }, { type: 'NS', value: 'ns.elsewhere.example' }]);
    expect(own.defaultRecords).toEqual([{ type: 'MX', value: '10 mx.hoster.example.' }]);
    const dkim = await domain('sel._domainkey.own.example', [{ type: 'TXT', value: 'v=DKIM1' }]);
    expect(dkim.defaultRecords).toEqual([]);
    const www = await domain('www.own.example');
    expect(www.defaultRecords).toEqual([{ type: 'MX', value: '10 mx.hoster.example.' }, { type: 'A', value: '198.51.100.80' }]);
    const zone = (await client.data(DomainDocument, { id: own.id })).domain;
    expect(zone.soa).toMatchObject({ primaryNs: 'ns.elsewhere.example.', email: 'hostmaster.own.example.', refresh: 86400 });
    expect(zone.zone).toContain('www.own.example. 3600 IN A 198.51.100.80');
    expect(zone.zone).toContain('own.example. 3600 IN A 192.0.2.9');
    expect(zone.zone).not.toMatch(/^own\.example\. 3600 IN A 198/m);
  });

  test('SOA overrides per domain; null goes back to configuration; each change raises the serial', async () => {
    const d = await domain('soa.example');
    const updated = await client.data(UpdateDomainDocument, { input: { id: d.id, refresh: 3600, expire: 604800 } });
    expect(updated.updateDomain.domain).toMatchObject({ refresh: 3600, expire: 604800, retry: null });
    expect(updated.updateDomain.domain!.serial).toBeGreaterThan(d.serial);
    expect((await client.data(DomainDocument, { id: d.id })).domain.soa).toMatchObject({ refresh: 3600, expire: 604800, retry: 7200 });
    const back = await client.data(UpdateDomainDocument, { input: { id: d.id, refresh: null } });
    expect(back.updateDomain.domain!.refresh).toBeNull();
    const bad = await client.data(UpdateDomainDocument, { input: { id: d.id, retry: -5 } });
    expect(bad.updateDomain.userErrors).toEqual([expect.objectContaining({ field: 'input.retry' })]);
  });
});

describe('top domains and subdomains kept in step', () => {
  test('a subdomain joins the highest domain above it; a new top domain takes the domains below it', async () => {
    const deep = await domain('a.b.tree.example');
    const mid = await domain('b.tree.example');
    expect(mid.isTop).toBe(true);
    expect((await client.data(DomainDocument, { id: deep.id })).domain.top).toMatchObject({ name: 'b.tree.example' });
    const top = await domain('tree.example');
    const tree = (await client.data(DomainDocument, { id: top.id })).domain;
    expect(tree.subdomains.map((d) => d.name)).toEqual(['a.b.tree.example', 'b.tree.example']);
    expect((await client.data(DomainDocument, { id: mid.id })).domain).toMatchObject({ isTop: false, soa: null, zone: null });
    const www = await domain('www.tree.example');
    expect(www.top).toMatchObject({ name: 'tree.example' });
    // Deleting the top domain: the highest remaining ones become zones again, the others regroup under them.
    expect((await client.data(DeleteDomainDocument, { id: top.id })).deleteDomain.userErrors).toEqual([]);
    expect((await client.data(DomainDocument, { id: mid.id })).domain).toMatchObject({ isTop: true });
    expect((await client.data(DomainDocument, { id: deep.id })).domain.top).toMatchObject({ name: 'b.tree.example' });
    expect((await client.data(DomainDocument, { id: www.id })).domain).toMatchObject({ isTop: true });
  });

  test('a top domain whose wildcard would be left without a zone is not deleted', async () => {
    const top = await domain('wild.example');
    await domain('*.wild.example', [{ type: 'A', value: '192.0.2.5' }]);
    const before = await rows();
    const r = await client.data(DeleteDomainDocument, { id: top.id });
    expect(r.deleteDomain.userErrors).toEqual([expect.objectContaining({ field: 'id', code: 'NOT_ALLOWED', message: expect.stringContaining('*.wild.example') })]);
    expect(await rows()).toEqual(before);
  });

  test('the serial is YYYYMMDDnn, rises on every change and never goes back', async () => {
    const d = await domain('serial.example');
    const today = new Date();
    const prefix = today.getUTCFullYear() * 1_000_000 + (today.getUTCMonth() + 1) * 10_000 + today.getUTCDate() * 100;
    expect(d.serial).toBe(prefix + 1);
    const r = await client.data(CreateDomainRecordDocument, { input: { domainId: d.id, type: 'TXT', value: 'one' } });
    const sub = await domain('x.serial.example');
    await client.data(DeleteDomainDocument, { id: sub.id });
    await client.data(DeleteDomainRecordDocument, { id: r.createDomainRecord.record!.id });
    expect((await client.data(DomainDocument, { id: d.id })).domain.serial).toBe(prefix + 5);
    expect(nextSerial(prefix + 99, today)).toBe(prefix + 100);
    expect(nextSerial(2099010101, today)).toBe(2099010102);
    expect(nextSerial(0, new Date(Date.UTC(2026, 0, 2)))).toBe(2026010201);
  });

  test('deleting an account deletes its domains and their records (top domains and subdomains)', async () => {
    const { client: gone, account } = await accountWithUser(h.admin, 'leaving');
    await domain('leaving.example', [{ type: 'A', value: '192.0.2.70' }], gone, account.id);
    await domain('www.leaving.example', [{ type: 'TXT', value: 'bye' }], gone, account.id);
    const deleted = await h.admin.data(DeleteAccountDocument, { id: account.id });
    expect(deleted.deleteAccount.userErrors).toEqual([]);
    const em = h.orm.em.fork();
    expect(await em.count(Domain, { name: { $like: '%leaving.example' } })).toBe(0);
    expect(await em.count(DomainRecord, { value: { $in: ['192.0.2.70', 'bye'] } })).toBe(0);
  });

  test('domains: lists scoped to the caller, filters by account and by top', async () => {
    const mine = await client.data(DomainsDocument, { first: 100 });
    expect(new Set(mine.domains.nodes.map((n) => n.account.username))).toEqual(new Set(['zoneco']));
    const tops = await client.data(DomainsDocument, { first: 100, filter: { isTop: false } });
    expect(tops.domains.nodes.every((n) => !n.isTop)).toBe(true);
    expect((await other.data(DomainsDocument, { filter: { accountId } })).domains.totalCount).toBe(0);
  });
});

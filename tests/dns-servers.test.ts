/**
 * DNS on real servers: a `named` master and a `named` slave, each on a sandboxed host with its own loopback address
 * (tests/support/named-host.ts), configured by Orchestra through the API, the engine and SSH. `dig` checks what
 * they serve: every record type, transfers to the slave after each change (serials compared), sequences of adds and
 * deletes, a refused zone that leaves the served one as it was, deleted domains gone from both.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import {
  CreateDomainDocument, CreateDomainRecordDocument, DeleteDomainDocument, DeleteDomainRecordDocument, DisableAccountDocument, DomainDocument,
  UpdateDomainRecordDocument,
} from './generated/graphql.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { DnsLan } from './support/dns-lan.js';
import { dnsHostSpec, startNamed, type NamedDaemon } from './support/named-host.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';

// Each test waits for operations (up to 2 min) and for named to load and transfer (up to 1 min each): the tests
// allow for those waits on a busy machine; the waits bound time, never an outcome.
jest.setTimeout(300_000);

let lan: DnsLan;
let h: OrchestraHarness;
let master: NamedDaemon;
let slave: NamedDaemon;
let client: GraphQLClient;
let accountId: string;
const CANARY = '/tmp/orchestra-dns-canary';

beforeAll(async () => {
  lan = await DnsLan.start();
  h = await startOrchestraHarness([await dnsHostSpec(lan, 'ns-master'), await dnsHostSpec(lan, 'ns-slave')]);
  master = await startNamed(h.hosts['ns-master']!);
  slave = await startNamed(h.hosts['ns-slave']!);
  await h.startWorker();
  await h.addServer('ns-master', ['bind9-master']);
  await h.addServer('ns-slave', ['bind9-slave']);
  const a = await accountWithUser(h.admin, 'dnsco');
  client = a.client;
  accountId = a.account.id;
}, 300_000);

afterAll(async () => {
  await master?.stop();
  await slave?.stop();
  await h?.close();
  await lan?.close();
});

/** Waits until every operation is final, and fails on any that did not succeed. */
async function settled(): Promise<Operation[]> {
  const ops = await h.settle({}, 1, 120_000);
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) {
    const runs = failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}: ${o.state}\n${o.run.getEntity().stdout}\n${o.run.getEntity().stderr}`);
    throw new Error(`operations failed:\n${runs.join('\n')}`);
  }
  return ops;
}

/** Polls until `probe` returns what `expected` accepts (named loads and transfers asynchronously). */
async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs / 1000} s\nmaster:\n${master.log().slice(-3000)}\nslave:\n${slave.log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const LONG_TXT = `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`;

async function domainSerial(id: string): Promise<number> {
  return (await client.data(DomainDocument, { id })).domain.serial;
}

describe('a zone served by a master and transferred to a slave', () => {
  let zoneId: string;

  test('every record type is served by the master, and the slave has the same serial', async () => {
    const created = await client.data(CreateDomainDocument, {
      input: {
        accountId,
        name: 'dnsco.example',
        records: [
          { type: 'A', value: '192.0.2.10' },
          { type: 'AAAA', value: '2001:DB8::10', ttl: 300 },
          { type: 'TXT', value: LONG_TXT },
          { type: 'TXT', value: 'v=spf1 mx -all' },
          { type: 'CAA', value: '0 issue "letsencrypt.org"' },
          { type: 'NS', value: 'ns1.dnsco-dns.example' },
          { type: 'NS', value: 'ns2.dnsco-dns.example.' },
        ],
      },
    });
    expect(created.createDomain.userErrors).toEqual([]);
    zoneId = created.createDomain.domain!.id;
    for (const [name, records] of [
      ['mail.dnsco.example', [{ type: 'A' as const, value: '192.0.2.25' }]],
      ['www.dnsco.example', [{ type: 'CNAME' as const, value: 'dnsco.example' }]],
      ['_sip._tcp.dnsco.example', [{ type: 'SRV' as const, value: '10 5 5060 sip.dnsco-dns.example' }]],
      ['*.dnsco.example', [{ type: 'A' as const, value: '192.0.2.99' }]],
    ] as const) {
      const sub = await client.data(CreateDomainDocument, { input: { accountId, name, records: [...records] } });
      expect(sub.createDomain.userErrors).toEqual([]);
      expect(sub.createDomain.domain).toMatchObject({ isTop: false, top: { id: zoneId } });
    }
    // An MX to a name of the zone: it needs that name's address first (named-checkzone's integrity check).
    const mx = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'MX', value: '10 mail.dnsco.example' } });
    expect(mx.createDomainRecord.userErrors).toEqual([]);
    await settled();
    expect(await master.dig('dnsco.example', 'A')).toEqual(['192.0.2.10']);
    expect(await master.dig('dnsco.example', 'AAAA')).toEqual(['2001:db8::10']);
    expect(await master.dig('dnsco.example', 'MX')).toEqual(['10 mail.dnsco.example.']);
    expect(await master.dig('dnsco.example', 'NS')).toEqual(['ns1.dnsco-dns.example.', 'ns2.dnsco-dns.example.']);
    expect(await master.dig('dnsco.example', 'CAA')).toEqual(['0 issue "letsencrypt.org"']);
    const txt = await master.dig('dnsco.example', 'TXT');
    expect(txt).toContain('"v=spf1 mx -all"');
    // 418 bytes: two strings of at most 255 bytes, which together are the text.
    const dkim = txt.find((t) => t.startsWith('"v=DKIM1'))!;
    expect(dkim.split('" "').length).toBe(2);
    expect(dkim.replace(/^"|"$/g, '').split('" "').join('')).toBe(LONG_TXT);
    expect(await master.dig('mail.dnsco.example', 'A')).toEqual(['192.0.2.25']);
    expect(await master.dig('www.dnsco.example', 'CNAME')).toEqual(['dnsco.example.']);
    expect(await master.dig('_sip._tcp.dnsco.example', 'SRV')).toEqual(['10 5 5060 sip.dnsco-dns.example.']);
    expect(await master.dig('anything.dnsco.example', 'A')).toEqual(['192.0.2.99']);

    const serial = await domainSerial(zoneId);
    expect(await master.serial('dnsco.example')).toBe(serial);
    await eventually(() => slave.serial('dnsco.example'), (s) => s === serial, 'serial on the slave');
    expect(await slave.dig('_sip._tcp.dnsco.example', 'SRV')).toEqual(['10 5 5060 sip.dnsco-dns.example.']);
    expect(await slave.dig('dnsco.example', 'TXT')).toEqual(txt);
  });

  test('a record change reloads that zone only, raises the serial, and reaches the slave', async () => {
    const before = await domainSerial(zoneId);
    const zone = (await client.data(DomainDocument, { id: zoneId })).domain;
    const a = zone.records.find((r) => r.type === 'A')!;
    const changed = await client.data(UpdateDomainRecordDocument, { input: { id: a.id, value: '192.0.2.11' } });
    expect(changed.updateDomainRecord.userErrors).toEqual([]);
    const ops = await settled();
    const after = await domainSerial(zoneId);
    expect(after).toBeGreaterThan(before);
    expect(await master.dig('dnsco.example', 'A')).toEqual(['192.0.2.11']);
    await eventually(() => slave.serial('dnsco.example'), (s) => s === after, 'serial on the slave');
    expect(await slave.dig('dnsco.example', 'A')).toEqual(['192.0.2.11']);
    // The change's master script reloaded this zone and did not reconfigure the server.
    const last = ops.filter((o) => o.backend === 'bind9-master').at(-1)!;
    const run = last.run.getEntity();
    expect(run.script).toContain("save_master_zone 'dnsco.example'");
    expect(run.stdout).toContain('zone dnsco.example: written');
    expect(run.stdout).not.toContain('named: reconfigured');
    // Run again, it changes nothing and reloads nothing.
    const again = await h.hosts['ns-master']!.sandbox.bash(run.script);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('zone dnsco.example: up to date');
    expect(again.stdout).not.toMatch(/written|reload|reconfigured/);
  });

  test('add, add, delete, delete: each step served, the serial always rising', async () => {
    const serials: number[] = [await domainSerial(zoneId)];
    const add = async (value: string) => {
      const r = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'TXT', value } });
      expect(r.createDomainRecord.userErrors).toEqual([]);
      return r.createDomainRecord.record!.id;
    };
    const first = await add('step one');
    const second = await add('step two');
    await settled();
    expect(await master.dig('dnsco.example', 'TXT')).toEqual(expect.arrayContaining(['"step one"', '"step two"']));
    serials.push(await domainSerial(zoneId));
    expect((await client.data(DeleteDomainRecordDocument, { id: first })).deleteDomainRecord.userErrors).toEqual([]);
    expect((await client.data(DeleteDomainRecordDocument, { id: second })).deleteDomainRecord.userErrors).toEqual([]);
    await settled();
    serials.push(await domainSerial(zoneId));
    const txt = await master.dig('dnsco.example', 'TXT');
    expect(txt).not.toContain('"step one"');
    expect(txt).not.toContain('"step two"');
    expect(serials[1]).toBeGreaterThan(serials[0]!);
    expect(serials[2]).toBeGreaterThan(serials[1]!);
    await eventually(() => slave.serial('dnsco.example'), (s) => s === serials[2], 'serial on the slave');
    expect(await slave.dig('dnsco.example', 'TXT')).toEqual(txt);
  });

  test('a zone named-checkzone refuses is a userError on the record, nothing is saved, the served zone is unchanged', async () => {
    const serial = await domainSerial(zoneId);
    const operations = await h.orm.em.fork().count(Operation);
    // A name server that is an alias (RFC 2181 §10.3): named-checkzone refuses the zone.
    const bad = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'NS', value: 'www.dnsco.example' } });
    expect(bad.createDomainRecord.record).toBeNull();
    expect(bad.createDomainRecord.userErrors).toEqual([
      expect.objectContaining({ field: 'input.value', code: 'INVALID', message: expect.stringMatching(/named-checkzone.*www\.dnsco\.example.*CNAME/) }),
    ]);
    // A CNAME beside other data.
    const mail = (await client.data(DomainDocument, { id: zoneId })).domain.subdomains.find((d) => d.name === 'mail.dnsco.example')!;
    const cname = await client.data(CreateDomainRecordDocument, { input: { domainId: mail.id, type: 'CNAME', value: 'dnsco.example' } });
    expect(cname.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.value', message: expect.stringContaining('CNAME record must be alone') })]);
    // An address record on a service name ("_" is not a host name): check-names.
    const srv = (await client.data(DomainDocument, { id: zoneId })).domain.subdomains.find((d) => d.name === '_sip._tcp.dnsco.example')!;
    const names = await client.data(CreateDomainRecordDocument, { input: { domainId: srv.id, type: 'A', value: '192.0.2.1' } });
    expect(names.createDomainRecord.userErrors).toEqual([expect.objectContaining({ field: 'input.value', message: expect.stringContaining('named-checkzone') })]);

    expect(await domainSerial(zoneId)).toBe(serial);
    expect(await h.orm.em.fork().count(Operation)).toBe(operations);
    expect(await master.serial('dnsco.example')).toBe(serial);
    expect(await master.dig('dnsco.example', 'NS')).toEqual(['ns1.dnsco-dns.example.', 'ns2.dnsco-dns.example.']);
  });

  test('hostile text reaches the zone quoted: served byte for byte, the canary never appears', async () => {
    const hostile = `"; touch ${CANARY}; echo " $(touch ${CANARY}) \`touch ${CANARY}\` \\ 'q' ü日`;
    const r = await client.data(CreateDomainRecordDocument, { input: { domainId: zoneId, type: 'TXT', value: hostile } });
    expect(r.createDomainRecord.userErrors).toEqual([]);
    await settled();
    const out = await master.dig('dnsco.example', 'TXT');
    const served = out.find((t) => t.includes('touch'))!;
    // dig prints non-ASCII bytes as \DDD and escapes quotes and backslashes: decode to compare.
    const decoded = Buffer.from(
      served.slice(1, -1).replace(/\\(\d{3})|\\(.)/g, (_, d: string | undefined, c: string | undefined) => (d ? String.fromCharCode(Number(d)) : c!)),
      'latin1',
    ).toString('utf8');
    expect(decoded).toBe(hostile);
    expect(existsSync(CANARY)).toBe(false);
    expect((await h.hosts['ns-master']!.sandbox.bash(`test -e ${CANARY}`)).code).not.toBe(0);
  });

  test('a disabled account\'s zone stays served', async () => {
    const operations = await h.orm.em.fork().count(Operation, { backend: { $like: 'bind9-%' } });
    const disabled = await h.admin.data(DisableAccountDocument, { id: accountId });
    expect(disabled.disableAccount.userErrors).toEqual([]);
    expect(await h.orm.em.fork().count(Operation, { backend: { $like: 'bind9-%' } })).toBe(operations);
    expect(await master.dig('dnsco.example', 'A')).toEqual(['192.0.2.11']);
  });
});

describe('top domains and subdomains kept in step', () => {
  test('a new top domain takes over the zone of a domain below it; deleting it gives the zone back', async () => {
    const { client: other, account } = await accountWithUser(h.admin, 'treeco');
    const sub = await other.data(CreateDomainDocument, { input: { accountId: account.id, name: 'shop.treeco.example', records: [{ type: 'A', value: '192.0.2.50' }] } });
    expect(sub.createDomain.domain).toMatchObject({ isTop: true });
    await settled();
    expect(await master.serial('shop.treeco.example')).not.toBeNull();
    expect(await master.dig('shop.treeco.example', 'A')).toEqual(['192.0.2.50']);

    const top = await other.data(CreateDomainDocument, { input: { accountId: account.id, name: 'treeco.example', records: [{ type: 'A', value: '192.0.2.51' }] } });
    expect(top.createDomain.userErrors).toEqual([]);
    await settled();
    const topId = top.createDomain.domain!.id;
    expect((await other.data(DomainDocument, { id: topId })).domain.subdomains.map((d) => d.name)).toEqual(['shop.treeco.example']);
    // shop.treeco.example is now a name in treeco.example's zone, not a zone of its own.
    expect(await master.dig('shop.treeco.example', 'A')).toEqual(['192.0.2.50']);
    const soaOwner = await eventually(() => master.dig('shop.treeco.example', 'SOA'), (x) => x.length === 0, 'no SOA at the former zone');
    expect(soaOwner).toEqual([]);
    const serial = (await other.data(DomainDocument, { id: topId })).domain.serial;
    await eventually(() => slave.serial('treeco.example'), (s) => s === serial, 'serial on the slave');
    expect(await slave.dig('shop.treeco.example', 'A')).toEqual(['192.0.2.50']);

    // Deleting the top domain: the subdomain becomes a zone of its own again.
    expect((await other.data(DeleteDomainDocument, { id: topId })).deleteDomain.userErrors).toEqual([]);
    await settled();
    expect(await master.status('treeco.example', 'A')).toBe('REFUSED');
    expect(await master.serial('shop.treeco.example')).not.toBeNull();
    expect(await master.dig('shop.treeco.example', 'A')).toEqual(['192.0.2.50']);
  });

  test('a deleted domain is gone from the master and the slave', async () => {
    const { client: other, account } = await accountWithUser(h.admin, 'goneco');
    const created = await other.data(CreateDomainDocument, { input: { accountId: account.id, name: 'goneco.example', records: [{ type: 'A', value: '192.0.2.60' }] } });
    await settled();
    const serial = (await other.data(DomainDocument, { id: created.createDomain.domain!.id })).domain.serial;
    await eventually(() => slave.serial('goneco.example'), (s) => s === serial, 'serial on the slave');
    expect((await other.data(DeleteDomainDocument, { id: created.createDomain.domain!.id })).deleteDomain.userErrors).toEqual([]);
    await settled();
    expect(await master.status('goneco.example', 'A')).toBe('REFUSED');
    await eventually(() => slave.status('goneco.example', 'A'), (s) => s === 'REFUSED', 'the slave no longer serves it');
    expect((await h.hosts['ns-slave']!.sandbox.bash('ls /var/lib/bind/orchestra/goneco.example.db')).code).not.toBe(0);
  });
});

// A zone of 10,000 records on a real named master (a sandboxed host on a test LAN, like tests/dns-servers.test.ts).
//   node_modules/.bin/node --import ./scripts/register.js bench/dns-zone.ts [--records=10000] [--n=5]
// Rows:
//   zone check (API)         what every DNS change costs the API: the zone built from the database, rendered, and
//                             checked by named-checkzone; against named-checkzone alone on the same file
//   one record change        updateDomainRecord → the new value answered by the master's named (dig, polled every
//                             10 ms); against the same change made by hand on the server over the same warm SSH
//                             connection (sed on the zone file, serial bumped, `rndc reload <zone>`), same polling
// Needs root (host sandboxes, a network namespace) like the tests.
import { performance } from 'node:perf_hooks';
import { Domain } from '../src/entities/dns/domain.js';
import { renderZone } from '../src/orchestration/backends/dns/zone.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { buildZone } from '../src/services/domains/zone-builder.js';
import { namedCheckzone } from '../src/services/domains/zone-check.js';
import { CreateDomainDocument, DomainDocument, UpdateDomainRecordDocument } from '../tests/generated/graphql.js';
import { DnsLan } from '../tests/support/dns-lan.js';
import { accountWithUser } from '../tests/support/fixtures.js';
import { dnsHostSpec, startNamed } from '../tests/support/named-host.js';
import { startOrchestraHarness } from '../tests/support/orchestra-harness.js';
import { machineLoad, mean, ms, pct, ratio, startServices, table } from './orchestration-common.js';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const RECORDS = arg('records', 10_000);
const N = arg('n', 5);
const now = () => performance.now();
const log = (message: string) => console.error(`[bench] ${message}`);
const sleep = (ms_: number) => new Promise((r) => setTimeout(r, ms_));

const stopServices = await startServices();
const lan = await DnsLan.start();
const h = await startOrchestraHarness([await dnsHostSpec(lan, 'ns-bench')]);
const host = h.hosts['ns-bench']!;
const named = await startNamed(host);
try {
  await h.startWorker();
  await h.addServer('ns-bench', ['bind9-master']);
  const { client, account } = await accountWithUser(h.admin, 'benchco');

  // The zone: one A record on bench.example and on each of RECORDS - 1 hosts under it (records of one name must fit
  // in one DNS message: named-checkzone refuses 10,000 TXT records at one name, "ran out of space"). The hosts are
  // inserted through the ORM (10,000 mutations would each check a growing zone); the first change through the API
  // then writes the whole zone to the server.
  const created = await client.data(CreateDomainDocument, { input: { accountId: account.id, name: 'bench.example', records: [{ type: 'A', value: '192.0.2.1' }] } });
  if (created.createDomain.userErrors.length) throw new Error(JSON.stringify(created.createDomain.userErrors));
  const zoneId = created.createDomain.domain!.id;
  {
    // Plain inserts: the rows are the bench's set-up, not changes for the servers (the change below renders them).
    const fill = h.orm.em.fork();
    const top = await fill.findOneOrFail(Domain, { id: idOf('Domain', zoneId) });
    const stamp = { createdAt: new Date(), updatedAt: new Date() };
    const hosts = Array.from({ length: RECORDS - 1 }, (_, i) => ({ ...stamp, serial: 0, account: top.account.id, name: `host${i + 1}.bench.example`, top: top.id }));
    const inserted = (await fill.insertMany(Domain, hosts)) as unknown as (string | number | { id: string })[];
    const ids = inserted.map((x) => (typeof x === 'object' ? String(x.id) : String(x)));
    await fill.execute(
      `insert into domain_record (created_at, updated_at, account_id, domain_id, type, value)
       select now(), now(), account_id, id, 'A', '10.' || (id / 65536 % 256) || '.' || (id / 256 % 256) || '.' || (id % 256) from domain where top_id = ?`,
      [top.id],
    );
    const [counts] = (await fill.execute('select (select count(*) from domain where top_id = ?) as hosts, (select count(*) from domain_record) as records', [top.id])) as { hosts: string; records: string }[];
    log(`inserted ${counts!.hosts} hosts (ids from ${ids[0]}) and ${counts!.records} records in all`);
  }
  const t0 = now();
  const first = await client.data(UpdateDomainRecordDocument, { input: { id: created.createDomain.domain!.records[0]!.id, value: '192.0.2.2' } });
  if (first.updateDomainRecord.userErrors.length) throw new Error(JSON.stringify(first.updateDomainRecord.userErrors));
  await h.settle({}, 1, 600_000);
  const createMs = now() - t0;
  log(`zone of ${RECORDS} records checked, written and served in ${(createMs / 1000).toFixed(1)} s`);

  // 1. The API's zone check against named-checkzone alone.
  const em = h.orm.em.fork();
  const top = await em.findOneOrFail(Domain, { id: idOf('Domain', zoneId) });
  const build: number[] = [];
  const render: number[] = [];
  const check: number[] = [];
  const alone: number[] = [];
  let text = '';
  for (let i = 0; i < N + 1; i++) {
    const a = now();
    const zone = await buildZone(em, top);
    const b = now();
    text = renderZone(top.name, zone).text;
    if (i === 0) log(`zone file: ${text.split('\n').length - 1} lines, ${text.length} bytes`);
    const c = now();
    if ((await namedCheckzone(top.name, text)) !== null) throw new Error('the bench zone does not load');
    const d = now();
    if ((await namedCheckzone(top.name, text)) !== null) throw new Error('the bench zone does not load');
    const e = now();
    if (i === 0) continue; // warm-up
    build.push(b - a);
    render.push(c - b);
    check.push(d - c);
    alone.push(e - d);
  }
  const total = build.map((x, i) => x + render[i]! + check[i]!);

  // 2. One record change end to end, against the same change by hand.
  const zone = (await client.data(DomainDocument, { id: zoneId })).domain;
  const a = zone.records.find((r) => r.type === 'A')!;
  const waitFor = async (value: string) => {
    for (;;) {
      if ((await named.dig('bench.example', 'A')).includes(value)) return;
      await sleep(10);
    }
  };
  const reloadsBefore = (named.log().match(/reloading configuration/g) ?? []).length;
  const engine: number[] = [];
  const byHand: number[] = [];
  let serial = 2100000000;
  for (let i = 0; i < N; i++) {
    const value = `192.0.2.${10 + i}`;
    const s = now();
    const r = await client.data(UpdateDomainRecordDocument, { input: { id: a.id, value } });
    if (r.updateDomainRecord.userErrors.length) throw new Error(JSON.stringify(r.updateDomainRecord.userErrors));
    await waitFor(value);
    engine.push(now() - s);
    await h.settle({}, 1, 120_000);

    const manual = `192.0.2.${100 + i}`;
    serial++;
    const script = [
      'set -euo pipefail',
      'f=/etc/bind/orchestra/master/zones/bench.example.db',
      `sed -i -E 's/^(bench\\.example\\. [0-9]+ IN SOA \\S+ \\S+ )[0-9]+/\\1${serial}/; s/^(bench\\.example\\. [0-9]+ IN A ).*/\\1${manual}/' "$f"`,
      'rndc reload bench.example >/dev/null',
    ].join('\n');
    const m = now();
    const result = await h.runner.run(host.endpoint, script, { timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new Error(`by hand: ${result.stderr}`);
    await waitFor(manual);
    byHand.push(now() - m);
  }
  const reconfigured = (named.log().match(/reloading configuration/g) ?? []).length - reloadsBefore;
  const zoneLoads = (named.log().match(/zone bench\.example\/IN: loaded serial/g) ?? []).length;

  console.log(`\n### DNS zone of ${RECORDS} records (\`bench/dns-zone.ts\`, n=${N}, load ${machineLoad()})\n`);
  console.log(`First change of the zone through the API (the whole ${RECORDS}-record zone checked, written and loaded by named): ${(createMs / 1000).toFixed(1)} s.\n`);
  console.log(table(['zone check (API)', 'p50 ms', 'mean ms', 'vs named-checkzone alone'], [
    ['build from the database', ms(pct(build, 50)), ms(mean(build)), ''],
    ['render', ms(pct(render, 50)), ms(mean(render)), ''],
    ['named-checkzone', ms(pct(check, 50)), ms(mean(check)), ''],
    ['**total**', ms(pct(total, 50)), ms(mean(total)), ratio(pct(total, 50)!, pct(alone, 50)!)],
    ['baseline: named-checkzone alone', ms(pct(alone, 50)), ms(mean(alone)), '1.00×'],
  ]));
  console.log('');
  console.log(table(['one record change, until dig answers it', 'p50 ms', 'mean ms', 'vs by hand'], [
    ['updateDomainRecord through Orchestra', ms(pct(engine, 50)), ms(mean(engine)), ratio(pct(engine, 50)!, pct(byHand, 50)!)],
    ['baseline: sed + rndc reload over warm SSH', ms(pct(byHand, 50)), ms(mean(byHand)), '1.00×'],
  ]));
  console.log(`\nnamed during the ${N} + ${N} changes: ${reconfigured} configuration reloads (reconfig/reload of the server), ${zoneLoads} loads of the zone in all.`);
} finally {
  await named.stop();
  await h.close();
  await lan.close();
  await stopServices();
}

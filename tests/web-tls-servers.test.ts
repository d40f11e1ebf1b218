/**
 * Certificates on Apache, and on several servers: three sandboxed web hosts running Apache (tests/support/web-host.ts),
 * each listening on its own address of one LAN, and Debian's pebble on that LAN (tests/support/pebble.ts). Routes:
 * the site `apsite` is on ap1 only, `both` on ap1 and ap2, `other` on ap3 only, `trio` on all three; acme-certificates follows the same
 * routes as the sites. (nginx's `listen 80` takes every address of the network namespace the LAN's hosts share:
 * one nginx per LAN; tests/web-tls.test.ts has it.)
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { setAcmeSettings } from '../src/config/acme-settings.js';
import type { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { reconcileSchedules, renewCertificatesSchedule } from '../src/temporal/schedules/index.js';
import { scheduleId } from '../src/temporal/schedules/schedule-declaration.js';
import { CreateDomainDocument, CreateRouteDocument, CreateWebAppDocument, CreateWebsiteDocument, UpdateRouteDocument } from './generated/graphql.js';
import { DnsLan } from './support/dns-lan.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { Pebble } from './support/pebble.js';
import { startWebDaemons, webHostSpec, type WebDaemons } from './support/web-host.js';

// Each test waits for operations (up to 3 min) and for answers (up to 1 min): the waits bound time, never an outcome.
jest.setTimeout(600_000);

const CA_FILE = '/etc/orchestra/acme-test-ca.pem';
const HOSTS = ['ap1', 'ap2', 'ap3'] as const;
type HostName = (typeof HOSTS)[number];
/** The sites each host serves (its web server's route and its acme-certificates route). */
const SITES_OF: Record<HostName, string[]> = { ap1: ['apsite', 'both', 'trio'], ap2: ['both', 'trio'], ap3: ['other', 'trio'] };

let lan: DnsLan;
let h: OrchestraHarness;
const web = {} as Record<HostName, WebDaemons>;
let pebble: Pebble;
let apacheAddress: string;
let client: GraphQLClient;
let accountId: string;
let lastOperation = '0';
/** The routes' global ids, by host and backend. */
const routeIds = {} as Record<HostName, Record<string, string>>;

const sitesMatch = (sites: string[]) => `website.name in [${sites.map((s) => `"${s}"`).join(', ')}]`;

const run = async (on: HostName, script: string, ...args: string[]) => (await h.hosts[on]!.sandbox.exec(['bash', '-c', script, '-', ...args])).stdout.trim();

/**
 * A pebble whose DNS answers ap3's address for `other` and ap1's for every other name (its HTTP-01 validation asks
 * ap1's Apache, `both`'s and `trio`'s included: ap1 asks ap2 for the tokens ap2's certificate order put there, and
 * ap2 asks ap3 for ap3's).
 */
async function startPebble(opts: { validitySeconds?: number } = {}): Promise<void> {
  await pebble?.stop();
  pebble = await Pebble.start(lan, apacheAddress, opts);
  await pebble.resolve('other.multi.example', h.hosts.ap3!.endpoint.address);
  for (const name of HOSTS) await run(name, 'mkdir -p /etc/orchestra && printf %s "$1" > "$2"', pebble.listenerCa, CA_FILE);
  setAcmeSettings({ directoryUrl: pebble.directoryUrl, contact: 'hostmaster@multi.example', caFile: CA_FILE, renewDays: 30 });
}

beforeAll(async () => {
  lan = await DnsLan.start();
  const specs = await Promise.all(HOSTS.map((name) => webHostSpec(lan, name)));
  apacheAddress = specs[0]!.address!;
  h = await startOrchestraHarness(specs);
  for (const name of HOSTS) web[name] = await startWebDaemons(h.hosts[name]!, 'apache', { ownAddress: true });
  await startPebble();
  await h.startWorker();
  for (const name of HOSTS) {
    const serverId = await h.addServer(name, ['system-users', 'webapps']);
    routeIds[name] = {};
    for (const backend of ['apache-websites', 'acme-certificates']) {
      const route = await h.admin.data(CreateRouteDocument, { input: { backend, serverId, match: sitesMatch(SITES_OF[name]) } });
      expect(route.createRoute.userErrors).toEqual([]);
      routeIds[name][backend] = route.createRoute.route!.id;
    }
  }
  const a = await accountWithUser(h.admin, 'multi');
  client = a.client;
  accountId = a.account.id;
  await settled();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, [renewCertificatesSchedule]);
}, 600_000);

afterAll(async () => {
  await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, renewCertificatesSchedule)).delete().catch(() => undefined);
  setAcmeSettings(undefined);
  await pebble?.stop();
  for (const name of HOSTS) await web[name]?.stop();
  await h?.close();
  await lan?.close();
});

async function settled(): Promise<Operation[]> {
  const ops = await h.settle({ id: { $gt: lastOperation } }, 1, 180_000);
  lastOperation = ops.at(-1)!.id;
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) {
    const runs = failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}@${o.server.getEntity().name}: ${o.state}\n${o.run.getEntity().stdout}\n${o.run.getEntity().stderr}`);
    throw new Error(`operations failed:\n${runs.join('\n')}\n${pebble.log().slice(-3000)}`);
  }
  return ops;
}

const where = (o: Operation) => `${o.backend}/${o.action}@${o.server.getEntity().name}`;

/** A static https-only site `name`.multi.example, answering `<name> over tls` wherever it is served. Returns its id. */
async function staticSite(name: string): Promise<string> {
  const domain = await client.data(CreateDomainDocument, { input: { accountId, name: `${name}.multi.example` } });
  expect(domain.createDomain.userErrors).toEqual([]);
  const app = await client.data(CreateWebAppDocument, { input: { accountId, name, type: 'STATIC' } });
  expect(app.createWebApp.userErrors).toEqual([]);
  await settled();
  for (const host of HOSTS) {
    await run(host, 'runuser -u multi -- bash -c \'printf %s "$2" > "$1"\' - "$1" "$2"', `/home/multi/webapps/${name}/index.html`, `${name} over tls`);
  }
  const site = await client.data(CreateWebsiteDocument, {
    input: { accountId, name, protocol: 'HTTPS_ONLY', domainIds: [domain.createDomain.domain!.id], contents: [{ path: '/', webAppId: app.createWebApp.webApp!.id }] },
  });
  expect(site.createWebsite.userErrors).toEqual([]);
  return Buffer.from(site.createWebsite.website!.id, 'base64url').toString().split(':')[1]!;
}

/** The issuing root of the running pebble, written on the host for curl. */
async function pebbleRoot(on: HostName): Promise<string> {
  await run(on, 'printf %s "$1" > /root/pebble-root.pem', await pebble.issuingRoot());
  return '/root/pebble-root.pem';
}

/** The serial of the certificate the host's web server presents for `name` on port 443. */
const servedSerial = (on: HostName, name: string) =>
  run(on, 'openssl s_client -connect "$2:443" -servername "$1" </dev/null 2>/dev/null | openssl x509 -noout -serial', name, h.hosts[on]!.endpoint.address);
/** The serial of the certificate in the site's directory on the host. */
const storedSerial = (on: HostName, id: string) => run(on, 'openssl x509 -noout -serial -in "/etc/orchestra/tls/site-$1/fullchain.pem"', id);

describe('certificates on Apache', () => {
  test('a site on Apache gets its certificate by HTTP-01 answered by Apache, served over https by its vhost after one graceful reload', async () => {
    const reloadsBefore = await web.ap1.reloads();
    const id = await staticSite('apsite');
    const ops = await settled();
    expect(ops.map(where)).toEqual(['apache-websites/save@ap1', 'acme-certificates/save@ap1']);
    const acme = ops[1]!.run.getEntity().stdout;
    expect(acme).toMatch(new RegExp(`orchestra-certificate ${id} ISSUED .*Pebble Intermediate CA`));
    expect(acme).toContain('Apache: reloaded');
    expect(acme).not.toContain('nginx');
    // One graceful restart for the site's configuration, one for its certificate.
    expect(await web.ap1.reloads()).toBe(reloadsBefore + 2);

    const answer = await web.ap1.get('https://apsite.multi.example/', { cacert: await pebbleRoot('ap1') });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('apsite over tls');
    expect(await servedSerial('ap1', 'apsite.multi.example')).toBe(await storedSerial('ap1', id));
    // Port 80 redirects, but the challenge location (now empty) is Apache's, not the redirect's.
    expect((await web.ap1.get('http://apsite.multi.example/')).status).toBe(301);
    expect((await web.ap1.get('http://apsite.multi.example/.well-known/acme-challenge/none')).status).toBe(404);
  });
});

describe('renewal across servers', () => {
  test('a site on two servers is renewed on both, each reloading once; a third server whose certificate is kept does not reload', async () => {
    // `other` (ap3) valid for years; `both` (ap1 and ap2) valid 10 days, within the renewal threshold. pebble's DNS
    // answers ap1's address for `both`: ap2's tokens are fetched through ap1, which asks ap2 (docs/architecture.md).
    await startPebble();
    const otherId = await staticSite('other');
    await settled();
    await startPebble({ validitySeconds: 10 * 86400 });
    const bothId = await staticSite('both');
    expect((await settled()).map(where).sort()).toEqual(['acme-certificates/save@ap1', 'acme-certificates/save@ap2', 'apache-websites/save@ap1', 'apache-websites/save@ap2']);

    const before = {
      ap1: await servedSerial('ap1', 'both.multi.example'),
      ap2: await servedSerial('ap2', 'both.multi.example'),
      ap3: await servedSerial('ap3', 'other.multi.example'),
    };
    expect(before.ap1).toBe(await storedSerial('ap1', bothId));
    expect(before.ap2).toBe(await storedSerial('ap2', bothId));
    const reloadsBefore = { ap1: await web.ap1.reloads(), ap2: await web.ap2.reloads(), ap3: await web.ap3.reloads() };

    await startPebble();
    await triggerRenewal();
    const ops = await settled();
    expect(ops.map(where).sort()).toEqual(['acme-certificates/save@ap1', 'acme-certificates/save@ap1', 'acme-certificates/save@ap2', 'acme-certificates/save@ap3']);
    const output = (on: HostName) => ops.find((o) => o.server.getEntity().name === on)!.run.getEntity().stdout;
    expect(output('ap1')).toMatch(new RegExp(`orchestra-certificate ${bothId} ISSUED `));
    expect(output('ap1')).toMatch(/orchestra-certificate [0-9]+ KEPT /); // apsite
    expect(output('ap2')).toMatch(new RegExp(`orchestra-certificate ${bothId} ISSUED `));
    expect(output('ap3')).toMatch(new RegExp(`orchestra-certificate ${otherId} KEPT `));
    expect(output('ap3')).not.toMatch(/ISSUED|reloaded/);

    // Each server of `both` serves its new certificate (its own: every server has its own key), trusted by pebble's
    // root; the third still serves the certificate it had.
    for (const on of ['ap1', 'ap2'] as const) {
      const served = await servedSerial(on, 'both.multi.example');
      expect(served).not.toBe(before[on]);
      expect(served).toBe(await storedSerial(on, bothId));
      const answer = await web[on].get('https://both.multi.example/', { cacert: await pebbleRoot(on) });
      expect(answer.body).toBe('both over tls');
    }
    expect(await servedSerial('ap3', 'other.multi.example')).toBe(before.ap3);
    expect({ ap1: await web.ap1.reloads(), ap2: await web.ap2.reloads(), ap3: await web.ap3.reloads() }).toEqual({
      ap1: reloadsBefore.ap1 + 1,
      ap2: reloadsBefore.ap2 + 1,
      ap3: reloadsBefore.ap3,
    });
  });
});

describe('ACME challenges of a site on two servers', () => {
  test('ap1 answers a token only ap2 has by asking ap2; a forwarded request is answered from the webroot alone, never forwarded again', async () => {
    const token = 'peer-only-token_1';
    await run('ap2', 'mkdir -p "$(dirname "$1")" && printf %s ap2-key-authorization > "$1"', `/var/lib/orchestra/acme/.well-known/acme-challenge/${token}`);
    // curl sends no header for `Name:` without a value.
    const ask = (on: HostName, forwarded: boolean) =>
      run(on, 'curl -s -o /dev/null -w "%{http_code}" --max-time 20 --resolve "both.multi.example:80:$1" -H "$2" "http://both.multi.example/.well-known/acme-challenge/$3"; true',
        h.hosts[on]!.endpoint.address, forwarded ? 'X-Orchestra-Acme-Forwarded: 1' : 'X-Orchestra-Acme-Forwarded:', token);
    expect(await run('ap1', 'curl -s --max-time 20 --resolve "both.multi.example:80:$1" "http://both.multi.example/.well-known/acme-challenge/$2"', h.hosts.ap1!.endpoint.address, token)).toBe('ap2-key-authorization');
    expect(await ask('ap1', true)).toBe('404');
    // A token no server has: ap1 asks ap2, which answers 404 without asking back.
    await run('ap2', 'rm -f "$1"', `/var/lib/orchestra/acme/.well-known/acme-challenge/${token}`);
    expect(await ask('ap1', false)).toBe('404');
    // `apsite` is on ap1 only: no peer to ask.
    expect(await run('ap1', 'grep -c X-Orchestra-Acme-Forwarded /etc/apache2/orchestra/sites/*.conf || true')).toMatch(/site-[0-9]+\.conf:0/);
  });
});

describe('ACME challenges of a site on three servers', () => {
  test('pebble (validation on, the name resolving to ap1) issues each server its certificate; a token only ap3 has is answered through ap1 and ap2, whichever server is asked', async () => {
    const id = await staticSite('trio');
    const ops = await settled();
    expect(ops.map(where).sort()).toEqual([
      'acme-certificates/save@ap1', 'acme-certificates/save@ap2', 'acme-certificates/save@ap3',
      'apache-websites/save@ap1', 'apache-websites/save@ap2', 'apache-websites/save@ap3',
    ]);
    // ap3's order put its token on ap3 only; pebble asked ap1, which asked ap2, which asked ap3.
    for (const on of HOSTS) {
      const acme = ops.find((o) => o.backend === 'acme-certificates' && o.server.getEntity().name === on)!.run.getEntity().stdout;
      expect(acme).toMatch(new RegExp(`orchestra-certificate ${id} ISSUED `));
      expect(await servedSerial(on, 'trio.multi.example')).toBe(await storedSerial(on, id));
    }

    const token = 'ring-token_3';
    const tokenFile = `/var/lib/orchestra/acme/.well-known/acme-challenge/${token}`;
    const ask = (on: HostName, hops: string) =>
      run(on, 'curl -s -w " %{http_code}" --max-time 30 --resolve "trio.multi.example:80:$1" -H "$2" "http://trio.multi.example/.well-known/acme-challenge/$3"; true',
        h.hosts[on]!.endpoint.address, `X-Orchestra-Acme-Forwarded:${hops}`, token);
    await run('ap3', 'mkdir -p "$(dirname "$1")" && printf %s ap3-key-authorization > "$1"', tokenFile);
    expect(await ask('ap1', '')).toBe('ap3-key-authorization 200'); // ap1 -> ap2 -> ap3
    expect(await ask('ap2', '')).toBe('ap3-key-authorization 200'); // ap2 -> ap3
    // One hop made: it came from ap3 (ap1's predecessor), so ap1 asks ap2 only, the last hop, which does not ask on.
    expect(await ask('ap1', ' 1')).toMatch(/ 404$/);
    expect(await ask('ap1', ' 2')).toMatch(/ 404$/); // been everywhere: the webroot alone
    await run('ap3', 'rm -f "$1"', tokenFile);
    await run('ap1', 'mkdir -p "$(dirname "$1")" && printf %s ap1-key-authorization > "$1"', tokenFile);
    expect(await ask('ap2', '')).toBe('ap1-key-authorization 200'); // ap2 -> ap3 -> ap1: the last asks the first
    await run('ap1', 'rm -f "$1"', tokenFile);
    // A token no server has: once round the ring, then 404 (no loop).
    expect(await ask('ap3', '')).toMatch(/ 404$/);
  });
});

describe('a route change moves a site', () => {
  test('a route that adds ap2 to apsite (on ap1 only) saves apsite on ap2 and re-saves it on ap1 with ap2 as its peer, the site itself untouched; its certificate route then gets ap2 a certificate through ap1; the route back removes it from ap2', async () => {
    const apsite = '/etc/apache2/orchestra/sites';
    const ap2Address = h.hosts.ap2!.endpoint.address;
    const id = (await run('ap1', 'grep -l "ServerName apsite.multi.example" "$1"/*.conf | sed "s/.*site-\\([0-9]*\\)\\.conf/\\1/"', apsite));
    expect(id).toMatch(/^[0-9]+$/);
    expect(await run('ap1', 'cat "$1"', `${apsite}/site-${id}.conf`)).not.toContain(ap2Address);

    const routed = await h.admin.data(UpdateRouteDocument, { input: { id: routeIds.ap2['apache-websites']!, match: sitesMatch([...SITES_OF.ap2, 'apsite']) } });
    expect(routed.updateRoute.userErrors).toEqual([]);
    const ops = await settled();
    // apsite only (`both` and `trio`, still on ap2, are not moved): saved on both servers of its new set.
    expect(ops.map((o) => `${where(o)} ${o.objectLabel}`).sort()).toEqual([
      'acme-certificates/save@ap1 multi/apsite', 'apache-websites/save@ap1 multi/apsite', 'apache-websites/save@ap2 multi/apsite',
    ]);
    expect(await run('ap2', 'test -f "$1" && echo present', `${apsite}/site-${id}.conf`)).toBe('present');
    const ap1Config = await run('ap1', 'cat "$1"', `${apsite}/site-${id}.conf`);
    expect(ap1Config).toContain(`RewriteCond "%{SERVER_ADDR}" "=${h.hosts.ap1!.endpoint.address}"`);
    expect(ap1Config).toContain(`"http://${ap2Address}:80%{REQUEST_URI}" [P,L]`);

    // ap2's certificate route too: ap2 orders apsite's certificate; pebble asks ap1, which now asks ap2.
    const certified = await h.admin.data(UpdateRouteDocument, { input: { id: routeIds.ap2['acme-certificates']!, match: sitesMatch([...SITES_OF.ap2, 'apsite']) } });
    expect(certified.updateRoute.userErrors).toEqual([]);
    const acme = (await settled()).find((o) => o.backend === 'acme-certificates' && o.server.getEntity().name === 'ap2')!;
    expect(acme.run.getEntity().stdout).toMatch(new RegExp(`orchestra-certificate ${id} ISSUED `));
    expect(await servedSerial('ap2', 'apsite.multi.example')).toBe(await storedSerial('ap2', id));

    // Back to ap1 alone: ap2 removes the site (its web server's route left it), ap1 forgets its peer.
    for (const backend of ['apache-websites', 'acme-certificates']) {
      const back = await h.admin.data(UpdateRouteDocument, { input: { id: routeIds.ap2[backend]!, match: sitesMatch(SITES_OF.ap2) } });
      expect(back.updateRoute.userErrors).toEqual([]);
    }
    const back = (await settled()).map((o) => `${where(o)} ${o.objectLabel}`);
    expect(back).toContain('apache-websites/save@ap1 multi/apsite');
    expect(back.filter((o) => o.includes('@ap2') && o.startsWith('apache-websites/'))).toEqual(['apache-websites/delete@ap2 multi/apsite']);
    expect(await run('ap2', 'test -f "$1" && echo present || echo absent', `${apsite}/site-${id}.conf`)).toBe('absent');
    expect(await run('ap1', 'cat "$1"', `${apsite}/site-${id}.conf`)).not.toContain(ap2Address);
  });
});

/** Runs the renewal schedule now and waits for its workflow. */
async function triggerRenewal(): Promise<void> {
  const handle = h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, renewCertificatesSchedule));
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  const deadline = Date.now() + 180_000;
  for (;;) {
    const actions = (await handle.describe()).info.recentActions;
    if (actions.length > before) {
      const { workflowId, firstExecutionRunId } = actions.at(-1)!.action.workflow;
      await h.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result();
      return;
    }
    if (Date.now() > deadline) throw new Error('websites.renew-certificates did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Websites' TLS certificates from a real ACME CA: Debian's pebble on the test LAN (tests/support/pebble.ts), whose
 * HTTP-01 validation fetches each token from the web host's nginx on port 80 (no PEBBLE_VA_ALWAYS_VALID). The web
 * host runs nginx as in tests/web-servers.test.ts; Orchestra configures it through the API, the engine and SSH.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { setAcmeSettings } from '../src/config/acme-settings.js';
import type { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { reconcileSchedules, renewCertificatesSchedule } from '../src/temporal/schedules/index.js';
import { scheduleId } from '../src/temporal/schedules/schedule-declaration.js';
import type { CertificateRenewalResult } from '../src/workflows/contracts/web.js';
import { CreateDomainDocument, CreateWebAppDocument, CreateWebsiteDocument, WebsiteCertificateDocument } from './generated/graphql.js';
import { DnsLan } from './support/dns-lan.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { Pebble } from './support/pebble.js';
import { startWebDaemons, webHostSpec, type WebDaemons } from './support/web-host.js';

// Each test waits for operations (up to 3 min) and for answers (up to 1 min): the waits bound time, never an outcome.
jest.setTimeout(420_000);

const CA_FILE = '/etc/orchestra/acme-test-ca.pem';
let lan: DnsLan;
let h: OrchestraHarness;
let web: WebDaemons;
let pebble: Pebble;
let webAddress: string;
let client: GraphQLClient;
let accountId: string;
let lastOperation = '0';

const host = () => h.hosts.web1!.sandbox;
const run = async (script: string, ...args: string[]) => (await host().exec(['bash', '-c', script, '-', ...args])).stdout.trim();

async function startPebble(opts: { validitySeconds?: number; httpPort?: number } = {}): Promise<void> {
  await pebble?.stop();
  pebble = await Pebble.start(lan, webAddress, opts);
  await run('mkdir -p /etc/orchestra && printf %s "$1" > "$2"', pebble.listenerCa, CA_FILE);
  setAcmeSettings({ directoryUrl: pebble.directoryUrl, contact: 'hostmaster@tlsco.example', caFile: CA_FILE, renewDays: 30 });
}

beforeAll(async () => {
  lan = await DnsLan.start();
  const spec = await webHostSpec(lan, 'web1');
  webAddress = spec.address!;
  h = await startOrchestraHarness([spec]);
  web = await startWebDaemons(h.hosts.web1!);
  await startPebble();
  await h.startWorker();
  await h.addServer('web1', ['system-users', 'webapps', 'nginx-websites', 'acme-certificates']);
  const a = await accountWithUser(h.admin, 'tlsco');
  client = a.client;
  accountId = a.account.id;
  await settled();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, [renewCertificatesSchedule]);
}, 420_000);

afterAll(async () => {
  await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, renewCertificatesSchedule)).delete().catch(() => undefined);
  setAcmeSettings(undefined);
  await pebble?.stop();
  await web?.stop();
  await h?.close();
  await lan?.close();
});

/** Waits until every operation since the last call is final; returns them (failures included). */
async function final(): Promise<Operation[]> {
  const ops = await h.settle({ id: { $gt: lastOperation } }, 1, 180_000);
  lastOperation = ops.at(-1)!.id;
  return ops;
}

async function settled(): Promise<Operation[]> {
  const ops = await final();
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) {
    const runs = failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}: ${o.state}\n${o.run.getEntity().stdout}\n${o.run.getEntity().stderr}`);
    throw new Error(`operations failed:\n${runs.join('\n')}\n${pebble.log().slice(-3000)}`);
  }
  return ops;
}

/** A static site of the account on `name`, answering `body`. Returns the website's database id. */
async function staticSite(name: string, body: string): Promise<string> {
  const domain = await client.data(CreateDomainDocument, { input: { accountId, name } });
  expect(domain.createDomain.userErrors).toEqual([]);
  const app = await client.data(CreateWebAppDocument, { input: { accountId, name: name.split('.')[0]!, type: 'STATIC' } });
  expect(app.createWebApp.userErrors).toEqual([]);
  await settled();
  await run('runuser -u tlsco -- bash -c \'printf %s "$2" > "$1"\' - "$1" "$2"', `/home/tlsco/webapps/${name.split('.')[0]!}/index.html`, body);
  const site = await client.data(CreateWebsiteDocument, {
    input: { accountId, name: name.split('.')[0]!, protocol: 'HTTPS_ONLY', domainIds: [domain.createDomain.domain!.id], contents: [{ path: '/', webAppId: app.createWebApp.webApp!.id }] },
  });
  expect(site.createWebsite.userErrors).toEqual([]);
  // The database id (the servers' site-<id>), from the global id `Website:<id>`.
  return Buffer.from(site.createWebsite.website!.id, 'base64url').toString().split(':')[1]!;
}

/** The issuing root of the running pebble, where curl on the host can read it. */
async function pebbleRoot(): Promise<string> {
  await run('printf %s "$1" > /root/pebble-root.pem', await pebble.issuingRoot());
  return '/root/pebble-root.pem';
}

describe('certificates by ACME HTTP-01 from pebble', () => {
  test('a new https website gets a certificate issued by pebble, served over https and verified with its root', async () => {
    const id = await staticSite('shop.tlsco.example', 'the shop over tls');
    const ops = await settled();
    expect(ops.map((o) => `${o.backend}/${o.action}`)).toEqual(['nginx-websites/save', 'acme-certificates/save']);
    const answer = await web.get('https://shop.tlsco.example/', { cacert: await pebbleRoot() });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('the shop over tls');
    const issuer = await run('openssl x509 -noout -issuer -in /etc/orchestra/tls/site-*/fullchain.pem');
    expect(issuer).toMatch(/Pebble Intermediate CA/);
    // Its metadata (only) in GraphQL, for the owner and the admin alike.
    const served = (await run('openssl x509 -noout -fingerprint -sha256 -in "/etc/orchestra/tls/site-$1/fullchain.pem" | cut -d= -f2 | tr -d :', id)).toLowerCase();
    for (const as of [client, h.admin]) {
      const { website } = await as.data(WebsiteCertificateDocument, { id: globalId(id) });
      expect(website.certificate).toMatchObject({ state: 'ISSUED', fingerprint: served, error: null });
      expect(website.certificate!.issuer).toMatch(/Pebble Intermediate CA/);
      expect(Date.parse(website.certificate!.notAfter!)).toBeGreaterThan(Date.now() + 30 * 86400_000);
    }
  });

  test('the daily renewal schedule renews the certificate that expires within 30 days, keeps the other, reloads nginx once', async () => {
    // Certificates valid 10 days: within the renewal threshold from the start.
    await startPebble({ validitySeconds: 10 * 86400 });
    const soonId = await staticSite('soon.tlsco.example', 'soon over tls');
    await settled();
    const dir = (id: string) => `/etc/orchestra/tls/site-${id}`;
    const soonBefore = await fingerprint(dir(soonId));
    const shopBefore = await fingerprint(await run('ls -d /etc/orchestra/tls/site-* | grep -v "site-$1$"', soonId));
    expect(await run('openssl x509 -noout -checkend $((30 * 86400)) -in "$1/fullchain.pem" || echo due', dir(soonId))).toContain('due');

    await startPebble();
    const reloadsBefore = await web.reloads();
    const result = await triggerRenewal();
    expect(result.batchId).not.toBeNull();
    const ops = await settled();
    expect(ops.map((o) => `${o.backend}/${o.action}`)).toEqual(['acme-certificates/save', 'acme-certificates/save']);
    const output = ops[0]!.run.getEntity().stdout;
    expect(output).toMatch(new RegExp(`orchestra-certificate ${soonId} ISSUED `));
    expect(output).toMatch(/orchestra-certificate [0-9]+ KEPT /);

    expect(await fingerprint(dir(soonId))).not.toBe(soonBefore);
    const renewed = (await client.data(WebsiteCertificateDocument, { id: globalId(soonId) })).website.certificate!;
    expect(renewed.state).toBe('ISSUED');
    expect(Date.parse(renewed.notAfter!)).toBeGreaterThan(Date.now() + 30 * 86400_000);
    expect(await run('openssl x509 -noout -checkend $((30 * 86400)) -in "$1/fullchain.pem" && echo renewed', dir(soonId))).toContain('renewed');
    expect(await fingerprint(await run('ls -d /etc/orchestra/tls/site-* | grep -v "site-$1$"', soonId))).toBe(shopBefore);
    const answer = await web.get('https://soon.tlsco.example/', { cacert: await pebbleRoot() });
    expect(answer.body).toBe('soon over tls');
    expect(await web.reloads()).toBe(reloadsBefore + 1);

    // A second run renews nothing and does not reload.
    await triggerRenewal();
    const again = await settled();
    expect(again[0]!.run.getEntity().stdout).not.toContain(' ISSUED ');
    expect(await web.reloads()).toBe(reloadsBefore + 1);
  });

  test('a validation that fails is FAILURE with the ACME error; the site keeps the certificate it had', async () => {
    // pebble now fetches tokens from a port where nothing listens.
    await startPebble({ httpPort: 8081 });
    const reloadsBefore = await web.reloads();
    const id = await staticSite('broken.tlsco.example', 'broken over tls');
    const ops = await final();
    const failed = ops.find((o) => o.backend === 'acme-certificates')!;
    expect(failed.state).toBe(RunState.FAILURE);
    expect(failed.run.getEntity().stderr).toMatch(/certificate of broken\.tlsco\.example not issued, the previous one is still served: urn:ietf:params:acme:error:connection/);
    // The placeholder is still there and served (self-signed, for the site's name); nothing reloaded for it.
    expect(await run('openssl x509 -noout -issuer -in "/etc/orchestra/tls/site-$1/fullchain.pem"', id)).toContain('CN = broken.tlsco.example');
    expect((await web.get('https://broken.tlsco.example/')).body).toBe('broken over tls');
    expect(await web.reloads()).toBe(reloadsBefore + 1); // the new site's own configuration, by nginx-websites
    const { website } = await client.data(WebsiteCertificateDocument, { id: globalId(id) });
    expect(website.certificate).toMatchObject({ state: 'FAILED', fingerprint: null });
    expect(website.certificate!.error).toContain('urn:ietf:params:acme:error:connection');
  });

  test('no key material in any script, output or the database: only metadata', async () => {
    const runs = await h.orm.em.fork().find(ScriptRun, { backend: 'acme-certificates' }, { filters: false });
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const r of runs) {
      for (const text of [r.script, r.stdout ?? '', r.stderr ?? '']) {
        expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|MII[A-Za-z0-9+/]{20}/);
      }
    }
    // The account key lives on the server, readable by root only.
    expect(await run('stat -c "%a %U" /var/lib/orchestra/acme-account/*/account.key | sort -u')).toBe('600 root');
    expect(await run('stat -c "%a" /etc/orchestra/tls/site-*/privkey.pem | sort -u')).toBe('600');
  });
});

const globalId = (id: string) => Buffer.from(`Website:${id}`).toString('base64url');

async function fingerprint(dir: string): Promise<string> {
  return run('openssl x509 -noout -fingerprint -sha256 -in "$1/fullchain.pem"', dir);
}

/** Runs the renewal schedule now; returns its workflow's result. */
async function triggerRenewal(): Promise<CertificateRenewalResult> {
  const handle = h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, renewCertificatesSchedule));
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  const deadline = Date.now() + 180_000;
  for (;;) {
    const actions = (await handle.describe()).info.recentActions;
    if (actions.length > before) {
      const { workflowId, firstExecutionRunId } = actions.at(-1)!.action.workflow;
      return (await h.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result()) as CertificateRenewalResult;
    }
    if (Date.now() > deadline) throw new Error('websites.renew-certificates did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

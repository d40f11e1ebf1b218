/**
 * Websites' TLS certificates from a real ACME CA: Debian's pebble on the test LAN (tests/support/pebble.ts), whose
 * HTTP-01 validation fetches each token from the web host's nginx on port 80 (no PEBBLE_VA_ALWAYS_VALID). The web
 * host runs nginx as in tests/web-servers.test.ts; Orchestra configures it through the API, the engine and SSH.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { setAcmeSettings } from '../src/config/acme-settings.js';
import type { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { CreateDomainDocument, CreateWebAppDocument, CreateWebsiteDocument } from './generated/graphql.js';
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

async function startPebble(validitySeconds?: number): Promise<void> {
  await pebble?.stop();
  pebble = await Pebble.start(lan, webAddress, validitySeconds);
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
}, 420_000);

afterAll(async () => {
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

/** A static site of the account on `name`, answering `body`. Returns the website's id. */
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
  return site.createWebsite.website!.id;
}

/** The issuing root of the running pebble, where curl on the host can read it. */
async function pebbleRoot(): Promise<string> {
  await run('printf %s "$1" > /root/pebble-root.pem', await pebble.issuingRoot());
  return '/root/pebble-root.pem';
}

describe('certificates by ACME HTTP-01 from pebble', () => {
  test('a new https website gets a certificate issued by pebble, served over https and verified with its root', async () => {
    await staticSite('shop.tlsco.example', 'the shop over tls');
    const ops = await settled();
    expect(ops.map((o) => `${o.backend}/${o.action}`)).toEqual(['nginx-websites/save', 'acme-certificates/save']);
    const answer = await web.get('https://shop.tlsco.example/', { cacert: await pebbleRoot() });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('the shop over tls');
    const issuer = await run('openssl x509 -noout -issuer -in /etc/orchestra/tls/site-*/fullchain.pem');
    expect(issuer).toMatch(/Pebble Intermediate CA/);
  });
});

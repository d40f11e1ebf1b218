/**
 * A website on two nginx servers gets a certificate on each from a real CA (Debian's pebble, validation on: no
 * PEBBLE_VA_ALWAYS_VALID) although its name resolves to one of them only: each server asks for its own certificate
 * with its own key, and port 80 of the server the CA asks answers the other's challenge by asking it
 * (src/orchestration/backends/web/acme-peers.ts). nginx's `listen 80` takes every address of its network namespace,
 * so the two nginx hosts are on two LANs joined by a cable of their own (tests/support/dns-lan.ts, `linkTo`); pebble
 * is on the first, its DNS answering n1's address for every name.
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

// Each step waits for operations (up to 3 min) and for answers (up to 1 min): the waits bound time, never an outcome.
jest.setTimeout(600_000);

const CA_FILE = '/etc/orchestra/acme-test-ca.pem';
const HOSTS = ['n1', 'n2'] as const;
type HostName = (typeof HOSTS)[number];

const lans: DnsLan[] = [];
let h: OrchestraHarness;
const web = {} as Record<HostName, WebDaemons>;
let pebble: Pebble;
let client: GraphQLClient;
let accountId: string;
let lastOperation = '0';

const run = async (on: HostName, script: string, ...args: string[]) => (await h.hosts[on]!.sandbox.exec(['bash', '-c', script, '-', ...args])).stdout.trim();
const address = (on: HostName) => h.hosts[on]!.endpoint.address;

beforeAll(async () => {
  lans.push(await DnsLan.start(), await DnsLan.start());
  await lans[0]!.linkTo(lans[1]!);
  const specs = [await webHostSpec(lans[0]!, 'n1'), await webHostSpec(lans[1]!, 'n2')];
  h = await startOrchestraHarness(specs);
  for (const name of HOSTS) web[name] = await startWebDaemons(h.hosts[name]!);
  pebble = await Pebble.start(lans[0]!, address('n1'));
  for (const name of HOSTS) await run(name, 'mkdir -p /etc/orchestra && printf %s "$1" > "$2"', pebble.listenerCa, CA_FILE);
  setAcmeSettings({ directoryUrl: pebble.directoryUrl, contact: 'hostmaster@pair.example', caFile: CA_FILE, renewDays: 30 });
  await h.startWorker();
  for (const name of HOSTS) await h.addServer(name, ['system-users', 'webapps', 'nginx-websites', 'acme-certificates']);
  const a = await accountWithUser(h.admin, 'pairco');
  client = a.client;
  accountId = a.account.id;
  await settled();
}, 600_000);

afterAll(async () => {
  setAcmeSettings(undefined);
  await pebble?.stop();
  for (const name of HOSTS) await web[name]?.stop();
  await h?.close();
  for (const lan of lans) await lan.close();
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

/** The serial of the certificate the host's nginx presents for `name` on port 443. */
const servedSerial = (on: HostName, name: string) =>
  run(on, 'openssl s_client -connect "$2:443" -servername "$1" </dev/null 2>/dev/null | openssl x509 -noout -serial', name, '127.0.0.1');
/** The serial of the certificate in the site's directory on the host. */
const storedSerial = (on: HostName, id: string) => run(on, 'openssl x509 -noout -serial -in "/etc/orchestra/tls/site-$1/fullchain.pem"', id);

/**
 * The body and HTTP status of a challenge token asked of `on`'s port 80, optionally as a forwarded request (curl sends
 * no header for `Name:` without a value).
 */
const challenge = (on: HostName, token: string, forwarded = false) =>
  run(on, 'curl -s -w " %{http_code}" --max-time 30 --resolve "pair.example:80:127.0.0.1" -H "$2" "http://pair.example/.well-known/acme-challenge/$1"; true', token, forwarded ? 'X-Orchestra-Acme-Forwarded: 1' : 'X-Orchestra-Acme-Forwarded:');

describe('a website on two nginx servers, its name resolving to one', () => {
  let id: string;

  test('both servers get a certificate from pebble (validation on) and serve it over https, each with its own key', async () => {
    const domain = await client.data(CreateDomainDocument, { input: { accountId, name: 'pair.example' } });
    expect(domain.createDomain.userErrors).toEqual([]);
    const app = await client.data(CreateWebAppDocument, { input: { accountId, name: 'pair', type: 'STATIC' } });
    expect(app.createWebApp.userErrors).toEqual([]);
    await settled();
    for (const on of HOSTS) await run(on, 'runuser -u pairco -- bash -c \'printf %s "$2" > "$1"\' - "$1" "$2"', '/home/pairco/webapps/pair/index.html', `pair on ${on}`);
    const site = await client.data(CreateWebsiteDocument, {
      input: { accountId, name: 'pair', protocol: 'HTTPS_ONLY', domainIds: [domain.createDomain.domain!.id], contents: [{ path: '/', webAppId: app.createWebApp.webApp!.id }] },
    });
    expect(site.createWebsite.userErrors).toEqual([]);
    id = Buffer.from(site.createWebsite.website!.id, 'base64url').toString().split(':')[1]!;

    const ops = await settled();
    expect(ops.map(where).sort()).toEqual(['acme-certificates/save@n1', 'acme-certificates/save@n2', 'nginx-websites/save@n1', 'nginx-websites/save@n2']);
    for (const on of HOSTS) {
      const output = ops.find((o) => where(o) === `acme-certificates/save@${on}`)!.run.getEntity().stdout;
      expect(output).toMatch(new RegExp(`orchestra-certificate ${id} ISSUED .*Pebble Intermediate CA`));
    }
    // n2's tokens were fetched through n1: pebble only ever asked n1's address.
    await run('n1', 'printf %s "$1" > /root/pebble-root.pem', await pebble.issuingRoot());
    await run('n2', 'printf %s "$1" > /root/pebble-root.pem', await pebble.issuingRoot());
    const serials: string[] = [];
    for (const on of HOSTS) {
      const answer = await web[on].get('https://pair.example/', { cacert: '/root/pebble-root.pem' });
      expect(answer.status).toBe(200);
      expect(answer.body).toBe(`pair on ${on}`);
      const served = await servedSerial(on, 'pair.example');
      expect(served).toBe(await storedSerial(on, id));
      serials.push(served);
    }
    expect(serials[0]).not.toBe(serials[1]);
    // Each server's key is its own and stays there.
    const keys = await Promise.all(HOSTS.map((on) => run(on, 'openssl pkey -in "/etc/orchestra/tls/site-$1/privkey.pem" -pubout | sha256sum', id)));
    expect(keys[0]).not.toBe(keys[1]);
  });

  test('a token only n2 has is answered by n1 (asking n2); a forwarded request is never forwarded again', async () => {
    const file = '/var/lib/orchestra/acme/.well-known/acme-challenge/only-on-n2_1';
    await run('n2', 'mkdir -p "$(dirname "$1")" && printf %s n2-key-authorization > "$1"', file);
    expect(await challenge('n1', 'only-on-n2_1')).toBe('n2-key-authorization 200');
    expect(await challenge('n2', 'only-on-n2_1')).toBe('n2-key-authorization 200');
    // Forwarded already: n1 answers from its own webroot only.
    expect(await challenge('n1', 'only-on-n2_1', true)).toMatch(/ 404$/);
    await run('n2', 'rm -f "$1"', file);
    // No server has it: n1 asks n2 (and itself), each answers 404 from its webroot, nobody asks back.
    expect(await challenge('n1', 'only-on-n2_1')).toMatch(/ 404$/);
    const upstream = await run('n1', 'sed -n "/^upstream/,/^}/p" "/etc/nginx/orchestra/sites/site-$1.conf"', id);
    expect(upstream).toContain(`server ${address('n1')}:80 max_fails=0;`);
    expect(upstream).toContain(`server ${address('n2')}:80 max_fails=0;`);
  });
});

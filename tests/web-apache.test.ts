/**
 * Websites on a real Apache 2.4 with PHP-FPM 8.2 (Debian's packages) on a sandboxed host (tests/support/web-host.ts),
 * and two accounts' web apps on one server: each PHP pool runs as its own account's user and cannot read the other's
 * files.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { CreateDomainDocument, CreateWebAppDocument, CreateWebsiteDocument, DisableAccountDocument, EnableAccountDocument, UpdateWebsiteDocument } from './generated/graphql.js';
import { DnsLan } from './support/dns-lan.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { startWebDaemons, webHostSpec, type WebDaemons } from './support/web-host.js';
import { renderMonitorScript } from '../src/resources/monitors/monitor.js';
import { apacheWebsiteTrafficMonitor } from '../src/resources/monitors/website-traffic/website-traffic.monitor.js';
import { pollUntil } from './support/resilience.js';

jest.setTimeout(300_000);

let lan: DnsLan;
let h: OrchestraHarness;
let web: WebDaemons;
let lastOperation = '0';

interface Tenant {
  client: GraphQLClient;
  accountId: string;
  domainId: string;
  websiteId: string;
}
const tenants: Record<string, Tenant> = {};

beforeAll(async () => {
  lan = await DnsLan.start();
  h = await startOrchestraHarness([await webHostSpec(lan, 'web2')]);
  web = await startWebDaemons(h.hosts.web2!, 'apache');
  await h.startWorker();
  await h.addServer('web2', ['system-users', 'webapps', 'apache-websites']);
  for (const name of ['alpha', 'beta']) {
    const a = await accountWithUser(h.admin, name);
    const domain = await a.client.data(CreateDomainDocument, { input: { accountId: a.account.id, name: `${name}.example` } });
    expect(domain.createDomain.userErrors).toEqual([]);
    tenants[name] = { client: a.client, accountId: a.account.id, domainId: domain.createDomain.domain!.id, websiteId: '' };
  }
  await settled();
}, 360_000);

afterAll(async () => {
  await web?.stop();
  await h?.close();
  await lan?.close();
});

async function final(): Promise<Operation[]> {
  const ops = await h.settle({ id: { $gt: lastOperation } }, 1, 120_000);
  lastOperation = ops.at(-1)!.id;
  return ops;
}

async function settled(): Promise<Operation[]> {
  const ops = await final();
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) {
    throw new Error(`operations failed:\n${failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}: ${o.state}\n${o.run.getEntity().stdout}\n${o.run.getEntity().stderr}`).join('\n')}`);
  }
  return ops;
}

const run = async (script: string, ...args: string[]) => (await h.hosts.web2!.sandbox.exec(['bash', '-c', script, '-', ...args])).stdout.trim();
const publish = (user: string, path: string, content: string) =>
  run('runuser -u "$1" -- bash -c \'mkdir -p -- "$(dirname -- "$1")" && printf %s "$2" > "$1"\' - "$2" "$3"', user, path, content);

/** A static app at / and a PHP app at /app for the tenant's domain. */
async function siteFor(name: string, protocol: 'HTTP' | 'HTTPS_ONLY' = 'HTTP'): Promise<void> {
  const t = tenants[name]!;
  const apps: string[] = [];
  for (const input of [{ name: 'www', type: 'STATIC' as const }, { name: 'app', type: 'PHP' as const }]) {
    const created = await t.client.data(CreateWebAppDocument, { input: { accountId: t.accountId, ...input } });
    expect(created.createWebApp.userErrors).toEqual([]);
    apps.push(created.createWebApp.webApp!.id);
  }
  const site = await t.client.data(CreateWebsiteDocument, {
    input: { accountId: t.accountId, name: 'site', protocol, domainIds: [t.domainId], contents: [{ path: '/', webAppId: apps[0]! }, { path: '/app', webAppId: apps[1]! }] },
  });
  expect(site.createWebsite.userErrors).toEqual([]);
  t.websiteId = site.createWebsite.website!.id;
}

describe('websites on Apache', () => {
  test('a static app and a PHP app through PHP-FPM, redirects, an error document, https-only', async () => {
    await siteFor('alpha', 'HTTPS_ONLY');
    await settled();
    await publish('alpha', '/home/alpha/webapps/www/index.html', 'alpha static\n');
    await publish('alpha', '/home/alpha/webapps/www/gone.html', 'alpha custom 404\n');
    await publish('alpha', '/home/alpha/webapps/app/index.php', '<?php echo "php as ", posix_getpwuid(posix_geteuid())["name"], "\\n";');

    const plain = await web.waitFor('http://alpha.example/x?y=1', (a) => a.status === 301, 'redirected to https');
    expect(plain.headers).toMatch(/location: https:\/\/alpha\.example\/x\?y=1/i);
    expect((await web.get('https://alpha.example/')).body).toBe('alpha static');
    expect((await web.waitFor('https://alpha.example/app/', (a) => a.status === 200, 'served by PHP')).body).toBe('php as alpha');

    const t = tenants.alpha!;
    const updated = await t.client.data(UpdateWebsiteDocument, {
      input: { id: t.websiteId, directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/new' }, { kind: 'ERROR_DOCUMENT', path: '404', value: '/gone.html' }] },
    });
    expect(updated.updateWebsite.userErrors).toEqual([]);
    await settled();
    const moved = await web.get('https://alpha.example/old');
    expect(moved.status).toBe(301);
    expect(moved.headers).toMatch(/location: https:\/\/example\.org\/new/i);
    const missing = await web.get('https://alpha.example/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('alpha custom 404');
  });

  test('two accounts on one server: each PHP pool runs as its own user and cannot read the other\'s files', async () => {
    await siteFor('beta');
    await settled();
    await publish('beta', '/home/beta/webapps/app/index.php', '<?php echo posix_getpwuid(posix_geteuid())["name"], " reads alpha: ", var_export(@file_get_contents("/home/alpha/webapps/www/index.html"), true), "\\n";');
    await publish('beta', '/home/beta/webapps/app/peek.php', '<?php $f = @fopen("/home/alpha/webapps/www/index.html", "r"); echo $f === false ? "refused" : "read", "\\n";');
    const answer = await web.waitFor('http://beta.example/app/', (a) => a.status === 200, 'served by PHP');
    expect(answer.body).toBe('beta reads alpha: false');
    // Beyond PHP's own open_basedir: the operating system refuses beta's user alpha's files.
    expect(await run('runuser -u beta -- cat /home/alpha/webapps/www/index.html 2>&1 || true')).toMatch(/Permission denied/);
    expect(await run('stat -c "%U:%G %a" /home/alpha /home/alpha/webapps/www')).toBe('alpha:alpha 750\nalpha:alpha 750');
    // One pool per app, each running as its account's user.
    const pools = await run('grep -h "^user = " /etc/php/8.2/fpm/pool.d/orchestra-webapp-*.conf | sort | uniq -c');
    expect(pools.split('\n').map((l) => l.trim().replace(/ +/g, ' '))).toEqual(['1 user = alpha', '1 user = beta']);
    // pm = ondemand: a pool has workers just after a request (for 30 s).
    expect((await web.get('https://alpha.example/app/')).body).toBe('php as alpha');
    expect((await web.get('http://beta.example/app/peek.php')).body).toBe('refused');
    expect(await run('ps -o user= -C php-fpm8.2 | sort -u')).toMatch(/alpha[\s\S]*beta/);
  });

  test('a configuration Apache refuses is FAILURE with its message; the old site answers; the next good change applies', async () => {
    const t = tenants.alpha!;
    await run('printf "not a certificate\\n" > /etc/orchestra/tls/site-*/fullchain.pem');
    await t.client.data(UpdateWebsiteDocument, { input: { id: t.websiteId, directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/newer' }] } });
    const [failed] = await final();
    expect(failed!.state).toBe(RunState.FAILURE);
    expect(failed!.run.getEntity().stderr).toMatch(/refused by apache2 -t, the live configuration is unchanged: .*(certificate|SSL)/i);
    expect((await web.get('https://alpha.example/old')).headers).toMatch(/location: https:\/\/example\.org\/new\r?\n/i);
    await run('rm -f /etc/orchestra/tls/site-*/*.pem');
    await t.client.data(UpdateWebsiteDocument, { input: { id: t.websiteId, directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/newest' }] } });
    await settled();
    expect((await web.waitFor('https://alpha.example/old', (a) => /newest/.test(a.headers), 'the new redirect')).status).toBe(301);
  });

  test('a disabled account\'s website answers the disabled response; enabled, the site again', async () => {
    const t = tenants.beta!;
    expect((await h.admin.data(DisableAccountDocument, { id: t.accountId })).disableAccount.userErrors).toEqual([]);
    await settled();
    const disabled = await web.waitFor('http://beta.example/', (a) => a.status === 503, 'disabled');
    expect(disabled.body).toContain('This website is disabled.');
    expect((await web.get('http://alpha.example/')).status).toBe(301);
    expect((await h.admin.data(EnableAccountDocument, { id: t.accountId })).enableAccount.userErrors).toEqual([]);
    await settled();
    expect((await web.waitFor('http://beta.example/app/', (a) => a.status === 200, 'enabled')).body).toBe('beta reads alpha: false');
  });

  test('website-traffic-apache: the bytes Apache sent (its %O, last in each line), each request counted once, across a log rotation', async () => {
    const id = Buffer.from(tenants.alpha!.websiteId, 'base64url').toString().split(':')[1]!;
    const script = renderMonitorScript(apacheWebsiteTrafficMonitor, [{ objectId: id, accountId: '', routeSource: null, data: {} }]);
    const counter = async () => {
      const result = await h.hosts.web2!.sandbox.bash(script);
      expect([result.code, result.stderr]).toEqual([0, '']);
      const [printed, value] = result.stdout.trim().split(' ');
      expect(printed).toBe(id);
      return Number(value);
    };
    // Plain http (alpha is https-only: a redirect), so what curl received is what Apache counted.
    const request = async () => {
      const [headers, body] = (await run('curl -sS -o /dev/null -w "%{size_header} %{size_download}" --resolve alpha.example:80:127.0.0.1 http://alpha.example/page')).split(' ').map(Number);
      return headers! + body!;
    };
    const log = `/var/log/apache2/orchestra/site-${id}.access.log`;
    const lines = (files: string, n: number) => pollUntil(`${n} lines in ${files}`, async () => Number(await run('cat -- $1 2>/dev/null | wc -l', files)), (count) => count === n, 60_000);
    const start = await counter();
    const before = Number(await run('wc -l < "$1"', log));
    let sent = (await request()) + (await request());
    await lines(log, before + 2);
    expect(await counter()).toBe(start + sent);
    expect(await counter()).toBe(start + sent);
    // Rotated: renamed, a request still written to it, then Apache restarted gracefully (it reopens its logs).
    await run('mv -- "$1" "$1.1"', log);
    sent += await request();
    await lines(`${log}.1`, before + 3);
    await run('. /etc/apache2/envvars && apache2ctl graceful');
    await pollUntil('Apache reopened its log', () => run('test -f "$1" && echo yes || true', log), (out) => out === 'yes', 60_000);
    sent += await request();
    await lines(`${log}.1 ${log}`, before + 4);
    expect(await counter()).toBe(start + sent);
    expect(await counter()).toBe(start + sent);
  });

  test('a proxy directive: Apache answers with what an HTTP server on the host\'s loopback serves', async () => {
    const t = tenants.alpha!;
    // The upstream: Python's HTTP server as alpha's user, serving a directory no website maps, on a loopback port.
    await publish('alpha', '/home/alpha/upstream/hello.txt', 'upstream says hello\n');
    await run('setsid -f runuser -u alpha -- bash -c \'echo $$ > /home/alpha/upstream.pid; exec /usr/bin/python3 -m http.server 3121 --bind 127.0.0.1 --directory /home/alpha/upstream\' >/var/log/upstream.log 2>&1');
    try {
      await run('for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/3121) 2>/dev/null && exit 0; sleep 0.1; done; cat /var/log/upstream.log; exit 1');
      const updated = await t.client.data(UpdateWebsiteDocument, { input: { id: t.websiteId, directives: [{ kind: 'PROXY', path: '/up', value: 'http://127.0.0.1:3121' }] } });
      expect(updated.updateWebsite.userErrors).toEqual([]);
      await settled();
      const proxied = await web.waitFor('https://alpha.example/up/hello.txt', (a) => a.status === 200, 'proxied to the upstream');
      expect(proxied.body).toBe('upstream says hello');
      // The site's apps still answer beside the proxied path.
      expect((await web.get('https://alpha.example/app/')).body).toBe('php as alpha');
    } finally {
      await run('kill "$(cat /home/alpha/upstream.pid)" 2>/dev/null || true');
    }
  });
});


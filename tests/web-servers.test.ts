/**
 * Web apps and websites on real servers: nginx and PHP-FPM 8.2 (Debian's packages) on a sandboxed host with its own
 * network namespace (tests/support/web-host.ts), configured by Orchestra through the API, the engine and SSH, and
 * asked over HTTP(S) with curl from inside the host.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import {
  CreateDomainDocument, CreateWebAppDocument, CreateWebsiteDocument, DeleteWebAppDocument, DisableAccountDocument, EnableAccountDocument,
  UpdateWebsiteDocument,
} from './generated/graphql.js';
import { DnsLan } from './support/dns-lan.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { startWebDaemons, webHostSpec, type WebDaemons } from './support/web-host.js';

// Each test waits for operations (up to 2 min) and for answers (up to 1 min): the waits bound time, never an outcome.
jest.setTimeout(300_000);

let lan: DnsLan;
let h: OrchestraHarness;
let web: WebDaemons;
let client: GraphQLClient;
let accountId: string;
let domainId: string;
let websiteId: string;
let staticId: string;
let phpId: string;
let lastOperation = '0';

beforeAll(async () => {
  lan = await DnsLan.start();
  h = await startOrchestraHarness([await webHostSpec(lan, 'web1')]);
  web = await startWebDaemons(h.hosts.web1!);
  await h.startWorker();
  await h.addServer('web1', ['system-users', 'webapps', 'nginx-websites']);
  const a = await accountWithUser(h.admin, 'webco');
  client = a.client;
  accountId = a.account.id;
  const domain = await client.data(CreateDomainDocument, { input: { accountId, name: 'webco.example' } });
  expect(domain.createDomain.userErrors).toEqual([]);
  domainId = domain.createDomain.domain!.id;
  await settled();
}, 360_000);

afterAll(async () => {
  await web?.stop();
  await h?.close();
  await lan?.close();
});

/** Waits until every operation since the last call is final; returns them (failures included). */
async function final(): Promise<Operation[]> {
  const ops = await h.settle({ id: { $gt: lastOperation } }, 1, 120_000);
  lastOperation = ops.at(-1)!.id;
  return ops;
}

/** final(), failing on any operation that did not succeed. */
async function settled(): Promise<Operation[]> {
  const ops = await final();
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) {
    const runs = failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}: ${o.state}\n${o.run.getEntity().stdout}\n${o.run.getEntity().stderr}`);
    throw new Error(`operations failed:\n${runs.join('\n')}`);
  }
  return ops;
}

const host = () => h.hosts.web1!.sandbox;
const run = async (script: string, ...args: string[]) => (await host().exec(['bash', '-c', script, '-', ...args])).stdout.trim();
/** Writes a file of an app as its owner (as they would over SFTP). */
const publish = (user: string, path: string, content: string) =>
  run('runuser -u "$1" -- bash -c \'mkdir -p -- "$(dirname -- "$1")" && printf %s "$2" > "$1"\' - "$2" "$3"', user, path, content);

async function createApp(input: Record<string, unknown>, as = client): Promise<string> {
  const created = await as.data(CreateWebAppDocument, { input: input as never });
  expect(created.createWebApp.userErrors).toEqual([]);
  return created.createWebApp.webApp!.id;
}

async function updateSite(input: Record<string, unknown>, as = client) {
  const updated = await as.data(UpdateWebsiteDocument, { input: { id: websiteId, ...input } as never });
  expect(updated.updateWebsite.userErrors).toEqual([]);
  return updated.updateWebsite;
}

describe('web apps and websites on nginx and PHP-FPM', () => {
  test('a static app at / and a PHP app at /blog answer through nginx; PHP runs as the account\'s user in its own pool', async () => {
    staticId = await createApp({ accountId, name: 'home', type: 'STATIC' });
    phpId = await createApp({ accountId, name: 'blog', type: 'PHP', options: { publicRoot: 'public', timeout: 20, processes: 3, phpIni: [{ name: 'memory_limit', value: '64M' }] } });
    const created = await client.data(CreateWebsiteDocument, {
      input: { accountId, name: 'main', domainIds: [domainId], contents: [{ path: '/', webAppId: staticId }, { path: '/blog', webAppId: phpId }] },
    });
    expect(created.createWebsite.userErrors).toEqual([]);
    websiteId = created.createWebsite.website!.id;
    await settled();

    await publish('webco', '/home/webco/webapps/home/index.html', 'hello from the static app\n');
    await publish('webco', '/home/webco/webapps/blog/public/index.php', '<?php echo "php ", PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION, " as ", posix_getpwuid(posix_geteuid())["name"], " limit ", ini_get("memory_limit"), "\\n";');

    expect((await web.get('http://webco.example/')).body).toBe('hello from the static app');
    const php = await web.waitFor('http://webco.example/blog/', (a) => a.status === 200, 'served by PHP');
    expect(php.body).toBe('php 8.2 as webco limit 64M');
    expect((await web.get('http://webco.example/blog')).status).toBe(301);
    // The pool: ondemand, the app's limits, the always-disabled functions.
    const pool = await run('cat /etc/php/8.2/fpm/pool.d/orchestra-webapp-*.conf');
    expect(pool).toMatch(/pm = ondemand\npm.max_children = 3\n/);
    expect(pool).toContain('request_terminate_timeout = 20s');
    expect(pool).toContain('php_admin_value[disable_functions] = exec,passthru,shell_exec,system,proc_open,popen,pcntl_exec');
    // Another name is not this website (nginx's default site answers).
    expect((await web.get('http://other.example/')).body).not.toContain('static app');
  });

  test('redirects, an error document, a proxied process, and https-only with a certificate from the start', async () => {
    await publish('webco', '/home/webco/webapps/home/missing.html', 'custom not found page\n');
    // A long-running app of the account: a small Node HTTP server on a port of the server's loopback.
    await publish('webco', '/home/webco/app.js', 'require("http").createServer((q, r) => r.end("node says " + q.url + " to " + q.headers["x-forwarded-proto"] + "\\n")).listen(3111, "127.0.0.1");');
    // The machine's Node (npm's), not this process's: that one lives in the clone, which may be a private directory
    // (a root's home) the account's user cannot enter.
    const node = '/usr/bin/node';
    // Its own session (setsid), so nothing of this command's ends takes it along; up before the site points at it.
    await run('setsid -f runuser -u webco -- "$1" /home/webco/app.js >/var/log/node-app.log 2>&1', node);
    await run('for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/3111) 2>/dev/null && exit 0; sleep 0.1; done; cat /var/log/node-app.log; exit 1');
    await updateSite({
      protocol: 'HTTPS_ONLY',
      directives: [
        { kind: 'REDIRECT', path: '/old', value: 'https://example.org/new?x=1' },
        { kind: 'ERROR_DOCUMENT', path: '404', value: '/missing.html' },
        { kind: 'PROXY', path: '/api', value: 'http://127.0.0.1:3111' },
      ],
    });
    await settled();

    const plain = await web.get('http://webco.example/some/page?q=1');
    expect(plain.status).toBe(301);
    expect(plain.headers).toMatch(/location: https:\/\/webco\.example\/some\/page\?q=1/i);
    expect((await web.get('https://webco.example/')).body).toBe('hello from the static app');
    const moved = await web.get('https://webco.example/old');
    expect(moved.status).toBe(301);
    expect(moved.headers).toMatch(/location: https:\/\/example\.org\/new\?x=1/i);
    const missing = await web.get('https://webco.example/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('custom not found page');
    const proxied = await web.waitFor('https://webco.example/api/items', (a) => a.status === 200, 'proxied to the Node app');
    expect(proxied.body).toBe('node says /api/items to https');
  });

  test('a configuration nginx refuses is FAILURE with its message; the old site answers; the next good change applies', async () => {
    // What the API cannot see: the site's certificate broken on the server. nginx -t refuses the candidate.
    await run('printf "not a certificate\\n" > /etc/orchestra/tls/site-*/fullchain.pem');
    await updateSite({ directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/newer' }] });
    const [failed] = await final();
    expect(failed!.state).toBe(RunState.FAILURE);
    expect(failed!.run.getEntity().stderr).toMatch(/refused by nginx -t, the live configuration is unchanged: .*(PEM|certificate)/);
    // The live file and the running nginx still have the old configuration.
    expect(await run('cat /etc/nginx/orchestra/sites/site-*.conf')).toContain('https://example.org/new?x=1');
    expect((await web.get('https://webco.example/old')).headers).toMatch(/location: https:\/\/example\.org\/new\?x=1/i);

    // Repaired (a placeholder is made again where none is), the next change applies.
    await run('rm -f /etc/orchestra/tls/site-*/*.pem');
    await updateSite({ directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/newest' }] });
    await settled();
    expect((await web.get('https://webco.example/old')).headers).toMatch(/location: https:\/\/example\.org\/newest/i);
  });

  test('a reload that failed stays pending: the next run loads what the failed one wrote, reloading once', async () => {
    // Another file of the server's nginx is broken: the staged site passes, the whole configuration does not.
    await run('cp /etc/nginx/sites-enabled/default /root/default.saved && printf "broken {\\n" >> /etc/nginx/sites-enabled/default');
    await updateSite({ directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/pending' }] });
    const [failed] = await final();
    expect(failed!.state).toBe(RunState.FAILURE);
    expect(failed!.run.getEntity().stderr).toContain('not reloaded (pending)');
    expect((await web.get('https://webco.example/old')).headers).toMatch(/location: https:\/\/example\.org\/newest/i);

    expect(await run('ls /var/lib/orchestra/nginx-websites/')).toBe('reload-pending');
    expect(await run('cat /etc/nginx/orchestra/sites/site-*.conf')).toContain('https://example.org/pending');

    await run('cp /root/default.saved /etc/nginx/sites-enabled/default');
    const before = await web.reloads();
    await client.data(UpdateWebsiteDocument, { input: { id: websiteId, directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/final' }] } });
    await settled();
    expect((await web.get('https://webco.example/old')).headers).toMatch(/location: https:\/\/example\.org\/final/i);
    expect(await web.reloads()).toBe(before + 1);
    expect(await run('ls /var/lib/orchestra/nginx-websites/')).toBe('');
  });

  test('a mounted app cannot be deleted', async () => {
    const refused = await client.data(DeleteWebAppDocument, { id: staticId });
    expect(refused.deleteWebApp.userErrors).toEqual([expect.objectContaining({ field: 'id', code: 'NOT_ALLOWED' })]);
  });

  test('a disabled account\'s website answers the disabled response; enabled, the site again', async () => {
    expect((await h.admin.data(DisableAccountDocument, { id: accountId })).disableAccount.userErrors).toEqual([]);
    await settled();
    const disabled = await web.get('https://webco.example/');
    expect(disabled.status).toBe(503);
    expect(disabled.body).toBe('This website is disabled.');
    expect((await h.admin.data(EnableAccountDocument, { id: accountId })).enableAccount.userErrors).toEqual([]);
    await settled();
    expect((await web.get('https://webco.example/')).body).toBe('hello from the static app');
  });
});

/**
 * Web apps and websites on real servers: nginx and PHP-FPM 8.2 (Debian's packages) on a sandboxed host with its own
 * network namespace (tests/support/web-host.ts), configured by Orchestra through the API, the engine and SSH, and
 * asked over HTTP(S) with curl from inside the host.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import {
  CreateDomainDocument, CreateResourceDocument, CreateWebAppDocument, CreateWebsiteDocument, DeleteWebAppDocument, DeleteWebsiteDocument, DisableAccountDocument, UpdateWebAppDocument,
  EnableAccountDocument, LoginDocument, MonitorNowDocument, SyncServerDocument, UpdateWebsiteDocument, WebsiteResourcesDocument,
} from './generated/graphql.js';
import { DnsLan } from './support/dns-lan.js';
import { pollUntil } from './support/resilience.js';
import { PASSWORD, accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { startWebDaemons, webHostSpec, type WebDaemons } from './support/web-host.js';

// This file's API offers a second PHP version (the last test makes one on its host from Debian's 8.2); 8.2 stays the default.
process.env.ORCHESTRA_PHP_VERSIONS = '8.2,8.3';

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
  await h?.hosts.web1?.sandbox.exec(['bash', '-c', 'supervisorctl shutdown >/dev/null 2>&1 || true']).catch(() => undefined);
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

/** Disabling an account ends its sessions: its user logs in again. */
async function logInAgain() {
  const login = await h.admin.as(null).data(LoginDocument, { input: { username: 'webco', password: PASSWORD } });
  client = h.admin.as(login.login.token!);
}

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

  test('in one run, the site nginx refuses goes back and the others apply (checked together first, then one by one)', async () => {
    const domain = await client.data(CreateDomainDocument, { input: { accountId, name: 'second.example' } });
    expect(domain.createDomain.userErrors).toEqual([]);
    const created = await client.data(CreateWebsiteDocument, {
      input: { accountId, name: 'second', protocol: 'HTTP', domainIds: [domain.createDomain.domain!.id], contents: [{ path: '/', webAppId: staticId }] },
    });
    expect(created.createWebsite.userErrors).toEqual([]);
    await settled();
    const secondId = created.createWebsite.website!.id;
    const dbId = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1]!;
    const [first, second] = [dbId(websiteId), dbId(secondId)];
    const live = (id: string) => run('cat "/etc/nginx/orchestra/sites/site-$1.conf"', id);
    // What the API cannot see: a broken certificate where the second site's https would take it (no placeholder
    // replaces a file that is there). Its switch to https is refused alone.
    await run('mkdir -p "/etc/orchestra/tls/site-$1" && printf "not a certificate\\n" | tee "/etc/orchestra/tls/site-$1/fullchain.pem" > "/etc/orchestra/tls/site-$1/privkey.pem"', second);
    const https = await client.data(UpdateWebsiteDocument, { input: { id: secondId, protocol: 'HTTPS_ONLY' } });
    expect(https.updateWebsite.userErrors).toEqual([]);
    expect((await final()).map((o) => o.state)).toEqual([RunState.FAILURE]);
    // Then one run with both sites changed: the first site's live file edited by hand, the second still refused.
    await run('echo "# by hand" >> "/etc/nginx/orchestra/sites/site-$1.conf"', first);
    const sync = await h.admin.data(SyncServerDocument, { serverId: h.serverIds.web1!, backend: 'nginx-websites' });
    expect(sync.syncServer.userErrors).toEqual([]);
    const ops = await final();
    expect(ops.map((o) => o.state)).toEqual([RunState.FAILURE, RunState.FAILURE]);
    const r = ops[0]!.run.getEntity();
    expect(r.stderr).toMatch(new RegExp(`site-${second}\\.conf refused by nginx -t, the live configuration is unchanged: .*(PEM|certificate)`));
    expect(r.stderr).not.toContain(`site-${first}.conf`);
    expect(r.stdout).toContain(`site-${first}.conf: accepted by nginx -t`);
    expect(r.stdout).toContain(`site-${first}.conf: written`);
    expect(await live(first)).not.toContain('# by hand');
    expect(await live(second)).not.toContain('listen 443');
    expect((await web.get('http://second.example/')).body).toBe('hello from the static app');

    // Repaired (a placeholder is made where none is), the next sync applies the second one too.
    await run('rm -f "/etc/orchestra/tls/site-$1/"*.pem', second);
    const again = await h.admin.data(SyncServerDocument, { serverId: h.serverIds.web1!, backend: 'nginx-websites' });
    expect(again.syncServer.userErrors).toEqual([]);
    await settled();
    expect(await live(second)).toContain('listen 443');
    const deleted = await client.data(DeleteWebsiteDocument, { id: secondId });
    expect(deleted.deleteWebsite.userErrors).toEqual([]);
    await settled();
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
    await logInAgain();
  });

  test('monitor: the website\'s monthly traffic is the bytes nginx sent, each request counted once, across a log rotation', async () => {
    const created = await h.admin.data(CreateResourceDocument, {
      input: { name: 'traffic', model: 'Website' as never, aggregation: 'MONTHLY_SUM' as never, unit: 'B', monitors: ['website-traffic-nginx'] },
    });
    expect(created.createResource.userErrors).toEqual([]);
    const resourceId = created.createResource.resource!.id;
    /** A monitoring run of this website through the API and the engine, then its usage as its owner reads it. */
    const used = async () => {
      const r = await h.admin.data(MonitorNowDocument, { resourceId, objectIds: [websiteId] });
      expect(r.monitorNow.userErrors).toEqual([]);
      await h.temporal.workflow.getHandle(r.monitorNow.run!.workflowId!).result();
      const site = await client.data(WebsiteResourcesDocument, { id: websiteId });
      return site.website.resources.find((x) => x.name === 'traffic')!.used;
    };
    /** One request from the host itself; what curl received (headers and body) is what nginx sent. */
    const request = async (url: string) => {
      const sizes = await run('curl -sSk -o /dev/null -w "%{size_header} %{size_download}" --resolve webco.example:80:127.0.0.1 --resolve webco.example:443:127.0.0.1 "$1"', url);
      const [headers, body] = sizes.split(' ').map(Number);
      expect(headers).toBeGreaterThan(0);
      return headers! + body!;
    };
    const log = `/var/log/nginx/orchestra/site-${Buffer.from(websiteId, 'base64url').toString().split(':')[1]!}.access.log`;
    /** nginx logs a request as it ends it, maybe just after curl has the answer: wait for the lines before measuring. */
    const lines = (files: string, n: number) => pollUntil(`${n} lines in ${files}`, async () => Number(await run('cat -- $1 2>/dev/null | wc -l', files)), (count) => count === n, 60_000);

    // The first reading is the counter's baseline (what was served before the resource existed is not this month's usage).
    expect(await used()).toBe(0);
    const before = Number(await run('wc -l < "$1"', log));
    let sent = (await request('https://webco.example/')) + (await request('https://webco.example/nothing-here')) + (await request('http://webco.example/page'));
    await lines(log, before + 3);
    expect(await used()).toBe(sent);
    expect(await used()).toBe(sent);

    // A rotation as logrotate does it: the log renamed (nginx still writes to it), then nginx told to reopen its logs.
    await run('mv -- "$1" "$1.1"', log);
    sent += await request('https://webco.example/');
    await lines(`${log}.1`, before + 4);
    await run('nginx -s reopen');
    await pollUntil('nginx reopened its log', () => run('test -f "$1" && echo yes || true', log), (out) => out === 'yes', 60_000);
    // A worker may not have reopened yet: the line is in one file or the other, and counts once either way.
    sent += await request('https://webco.example/nothing-here');
    await lines(`${log}.1 ${log}`, before + 5);
    expect(await used()).toBe(sent);
    expect(await used()).toBe(sent);
  });

  test('a process app runs under supervisor as the account\'s user behind the website; restarted when it dies, stopped while the account is disabled, gone when deleted', async () => {
    // supervisord as Debian runs it, its socket and logs in the host's private /var/lib/orchestra.
    await run('mkdir -p /etc/supervisor/conf.d && printf %s "$1" > /etc/supervisor/supervisord.conf && supervisord -c /etc/supervisor/supervisord.conf', SUPERVISORD_CONF);
    await publish('webco', '/home/webco/api-server.js',
      'require("http").createServer((q, r) => r.end("api " + process.pid + " as " + require("os").userInfo().username + " on " + process.env.PORT + "\\n")).listen(Number(process.env.PORT), "127.0.0.1");');
    const appId = await createApp({ accountId, name: 'api', type: 'PROCESS', options: { command: 'exec /usr/bin/node "$HOME/api-server.js"', port: 3112 } });
    await updateSite({ directives: [{ kind: 'PROXY', path: '/svc', value: 'http://127.0.0.1:3112' }] });
    await settled();
    const program = `orchestra-webapp-${Buffer.from(appId, 'base64url').toString().split(':')[1]}`;
    const answer = /^api (\d+) as webco on 3112$/;
    const first = await web.waitFor('https://webco.example/svc/x', (a) => a.status === 200 && answer.test(a.body), 'answered by the process app');
    const pid = answer.exec(first.body)![1]!;
    expect(await run('ps -o user= -p "$1"', pid)).toBe('webco');

    // Killed, supervisor starts it again.
    await run('kill -9 "$1"', pid);
    const again = await web.waitFor('https://webco.example/svc/x', (a) => a.status === 200 && answer.test(a.body) && answer.exec(a.body)![1] !== pid, 'answered by a new process');
    const restarted = answer.exec(again.body)![1]!;

    // A disabled account's process stops; enabled, it runs again.
    expect((await h.admin.data(DisableAccountDocument, { id: accountId })).disableAccount.userErrors).toEqual([]);
    await settled();
    expect(await run('supervisorctl status "$1" || true', program)).toMatch(/STOPPED/);
    expect(await run('kill -0 "$1" 2>/dev/null && echo alive || echo gone', restarted)).toBe('gone');
    expect((await h.admin.data(EnableAccountDocument, { id: accountId })).enableAccount.userErrors).toEqual([]);
    await settled();
    await logInAgain();
    await web.waitFor('https://webco.example/svc/x', (a) => a.status === 200 && answer.test(a.body), 'answered by the process app again');

    // Deleted: the program and its process are gone.
    const running = answer.exec((await web.get('https://webco.example/svc/x')).body)![1]!;
    const deleted = await client.data(DeleteWebAppDocument, { id: appId });
    expect(deleted.deleteWebApp.userErrors).toEqual([]);
    await settled();
    expect(await run('supervisorctl status "$1" || true', program)).toMatch(/no such process/i);
    expect(await run('ls /etc/supervisor/conf.d/ /etc/orchestra/webapps/')).not.toContain(program.replace('orchestra-', ''));
    expect(await run('kill -0 "$1" 2>/dev/null && echo alive || echo gone', running)).toBe('gone');
  });

  test('a symbolic link app mounted at /docs serves the home directory it points to; deleted, the link goes and the directory stays', async () => {
    const linkId = await createApp({ accountId, name: 'docs', type: 'SYMBOLIC_LINK', options: { target: 'shared/docs' } });
    const mounted = [{ path: '/', webAppId: staticId }, { path: '/blog', webAppId: phpId }];
    await updateSite({ contents: [...mounted, { path: '/docs', webAppId: linkId }] });
    await settled();
    expect(await run('readlink /home/webco/webapps/docs')).toBe('/home/webco/shared/docs');
    // The account's own directory, outside ~/webapps: what it publishes there is what the website serves.
    await publish('webco', '/home/webco/shared/docs/index.html', 'docs through the link\n');
    expect((await web.waitFor('https://webco.example/docs/', (a) => a.status === 200, 'served through the link')).body).toBe('docs through the link');

    // Unmounted then deleted: the link is removed, the directory it pointed to (the account's files) is kept.
    await updateSite({ contents: mounted });
    await settled();
    const deleted = await client.data(DeleteWebAppDocument, { id: linkId });
    expect(deleted.deleteWebApp.userErrors).toEqual([]);
    await settled();
    expect(await run('test -e /home/webco/webapps/docs || test -L /home/webco/webapps/docs && echo there || echo gone')).toBe('gone');
    expect(await run('cat /home/webco/shared/docs/index.html')).toBe('docs through the link');
    expect((await web.get('https://webco.example/docs/')).status).toBe(404);
  });

  test('a PHP app switched from 8.2 to 8.3: its pool moves to the 8.3 PHP-FPM, which serves it; the 8.2 pool file is gone', async () => {
    // Debian has one PHP: a second "version" on this host only (its /etc and /usr/local/sbin are private copies), 8.2's
    // binary with a copy of /etc/php/8.2 as /etc/php/8.3, its own pid file, log and ini files.
    await run(`set -e
cp -a /etc/php/8.2 /etc/php/8.3
rm -f /etc/php/8.3/fpm/pool.d/orchestra-webapp-*.conf
sed -i 's|php8.2-fpm|php8.3-fpm|g; s|/etc/php/8.2/|/etc/php/8.3/|g' /etc/php/8.3/fpm/php-fpm.conf /etc/php/8.3/fpm/pool.d/www.conf
printf '#!/bin/sh\\nPHP_INI_SCAN_DIR=/etc/php/8.3/fpm/conf.d exec /usr/sbin/php-fpm8.2 -c /etc/php/8.3/fpm/php.ini -y /etc/php/8.3/fpm/php-fpm.conf "$@"\\n' > /usr/local/sbin/php-fpm8.3
chmod 755 /usr/local/sbin/php-fpm8.3
setsid -f php-fpm8.3 -F >/var/log/php8.3-fpm.out 2>&1
for _ in $(seq 600); do [ -s /run/php/php8.3-fpm.pid ] && exit 0; sleep 0.1; done; cat /var/log/php8.3-fpm.out; exit 1`);
    try {
      const pool = `orchestra-webapp-${Buffer.from(phpId, 'base64url').toString().split(':')[1]!}.conf`;
      await publish('webco', '/home/webco/webapps/blog/public/ini.php', '<?php echo php_ini_loaded_file(), "\\n";');
      expect((await web.waitFor('https://webco.example/blog/ini.php', (a) => a.status === 200, 'served by PHP 8.2')).body).toBe('/etc/php/8.2/fpm/php.ini');

      const switched = await client.data(UpdateWebAppDocument, { input: { id: phpId, phpVersion: '8.3' } });
      expect(switched.updateWebApp.userErrors).toEqual([]);
      await settled();
      expect(await run('ls /etc/php/8.3/fpm/pool.d/')).toContain(pool);
      expect(await run('ls /etc/php/8.2/fpm/pool.d/')).not.toContain(pool);
      const served = await web.waitFor('https://webco.example/blog/ini.php', (a) => a.status === 200 && a.body.includes('8.3'), 'served by PHP 8.3');
      expect(served.body).toBe('/etc/php/8.3/fpm/php.ini');
    } finally {
      await run('kill "$(cat /run/php/php8.3-fpm.pid)" 2>/dev/null || true');
    }
  });
});

const SUPERVISORD_CONF = `[unix_http_server]
file=/var/lib/orchestra/supervisor.sock
chmod=0700

[supervisord]
logfile=/var/lib/orchestra/supervisord.log
pidfile=/var/lib/orchestra/supervisord.pid
childlogdir=/var/lib/orchestra

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///var/lib/orchestra/supervisor.sock

[include]
files = /etc/supervisor/conf.d/*.conf
`;

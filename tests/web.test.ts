/**
 * Web apps and websites through the API, without servers: hostile and bad values are userErrors on their field and
 * change nothing; accounts see only their own; a domain serves one website per port; the rendered scripts carry
 * every value quoted.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import { WebApp } from '../src/entities/web/web-app.js';
import { Website } from '../src/entities/web/website.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { websiteModule } from '../src/services/web/website.module.js';
import type { WebsiteSource } from '../src/orchestration/backends/web/website-snapshot.js';
import { CreateDomainDocument, CreateWebAppDocument, CreateWebsiteDocument, UpdateWebAppDocument, UpdateWebsiteDocument, WebsitesDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let client: GraphQLClient;
let other: GraphQLClient;
let accountId: string;
let otherAccountId: string;
let domainId: string;
let otherDomainId: string;
let appId: string;
let phpId: string;
let websiteId: string;

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'webapi');
  client = a.client;
  accountId = a.account.id;
  const b = await accountWithUser(h.admin, 'otherweb');
  other = b.client;
  otherAccountId = b.account.id;
  // Routes to a server no worker reaches: the scripts are rendered into the outbox, never run.
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'web-nowhere', address: '192.0.2.80' });
  for (const backend of ['webapps', 'nginx-websites', 'apache-websites']) em.create(Route, { backend, server, match: '' });
  await em.flush();
  domainId = (await client.data(CreateDomainDocument, { input: { accountId, name: 'webapi.example' } })).createDomain.domain!.id;
  otherDomainId = (await other.data(CreateDomainDocument, { input: { accountId: otherAccountId, name: 'otherweb.example' } })).createDomain.domain!.id;
  const app = await client.data(CreateWebAppDocument, { input: { accountId, name: 'www', type: 'STATIC' } });
  appId = app.createWebApp.webApp!.id;
  const php = await client.data(CreateWebAppDocument, { input: { accountId, name: 'php', type: 'PHP' } });
  expect(php.createWebApp.webApp!.phpVersion).toBe('8.2');
  phpId = php.createWebApp.webApp!.id;
  const site = await client.data(CreateWebsiteDocument, { input: { accountId, name: 'main', domainIds: [domainId], contents: [{ path: '/', webAppId: appId }] } });
  expect(site.createWebsite.userErrors).toEqual([]);
  websiteId = site.createWebsite.website!.id;
});
afterAll(() => h?.close());

async function rows() {
  const em = h.orm.em.fork();
  const strip = (list: object[]) => list.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    apps: strip(await em.find(WebApp, {}, { orderBy: { id: 'asc' } })),
    sites: strip(await em.find(Website, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

const HOSTILE_PATHS = ['/../etc', '/a/../b', '/a\nb', '/$(id)', '/a"b', "/a'b", '/a;b', '/a b', '/a/', 'relative', '/.hidden', '/a{b}', '/a\\b'];

describe('hostile and bad values are userErrors on their field, and change nothing', () => {
  test.each(HOSTILE_PATHS)('a content path %j', async (path) => {
    const before = await rows();
    const result = await client.data(UpdateWebsiteDocument, { input: { id: websiteId, contents: [{ path, webAppId: appId }] } });
    expect(result.updateWebsite.userErrors.map((e) => e.field)).toEqual(['input.contents[0].path']);
    expect(await rows()).toEqual(before);
  });

  test.each([
    ['REDIRECT', '/old', 'https://example.org/a"b'],
    ['REDIRECT', '/old', 'https://example.org/$(id)'],
    ['REDIRECT', '/old', 'https://example.org/a\nreturn 200'],
    ['REDIRECT', '/old', 'https://example.org/a;b'],
    ['REDIRECT', '/old', 'javascript:alert(1)'],
    ['REDIRECT', '/old', 'https://exa mple.org/'],
    ['PROXY', '/api', 'http://10.0.0.1:80'],
    ['PROXY', '/api', 'http://127.0.0.1:3000/a b'],
    ['PROXY', '/api', 'http://127.0.0.1:99999'],
    ['ERROR_DOCUMENT', '404', '/../../etc/passwd'],
    ['ERROR_DOCUMENT', '200', '/ok.html'],
  ] as const)('a directive %s %j → %j', async (kind, path, value) => {
    const before = await rows();
    const result = await client.data(UpdateWebsiteDocument, { input: { id: websiteId, directives: [{ kind, path, value }] } });
    expect(result.updateWebsite.userErrors.map((e) => e.field)).toEqual([expect.stringMatching(/^input\.directives\[0\]\.(path|value)$/)]);
    expect(await rows()).toEqual(before);
  });

  test.each([
    [{ publicRoot: '../other' }, 'input.options.publicRoot'],
    [{ publicRoot: '/etc' }, 'input.options.publicRoot'],
    [{ publicRoot: 'a\nb' }, 'input.options.publicRoot'],
    [{ timeout: 0 }, 'input.options.timeout'],
    [{ processes: 1000 }, 'input.options.processes'],
    [{ phpIni: [{ name: 'open_basedir', value: '/' }] }, 'input.options.phpIni[0]'],
    [{ phpIni: [{ name: 'memory_limit', value: '1G"\nphp_admin_value[open_basedir]=/' }] }, 'input.options.phpIni[0]'],
    [{ phpIni: [{ name: 'allow_url_include', value: 'On' }] }, 'input.options.phpIni[0]'],
    [{ phpIni: [{ name: 'disable_functions', value: '$(id)' }] }, 'input.options.phpIni[0]'],
  ])('PHP options %j', async (options, field) => {
    const before = await rows();
    const result = await client.data(UpdateWebAppDocument, { input: { id: phpId, options } });
    expect(result.updateWebApp.userErrors.map((e) => e.field)).toEqual([field]);
    expect(await rows()).toEqual(before);
  });

  test.each(['Web', 'a b', '../x', 'a/b', '$(id)', '', 'x'.repeat(65)])('a web app name %j', async (name) => {
    const before = await rows();
    const result = await client.data(CreateWebAppDocument, { input: { accountId, name, type: 'STATIC' } });
    expect(result.createWebApp.userErrors.map((e) => e.field)).toEqual(['input.name']);
    expect(await rows()).toEqual(before);
  });

  test.each([
    [{ command: 'node a.js\nrm -rf ~', port: 3000 }, 'input.options.command'],
    [{ command: 'node a.js\r', port: 3000 }, 'input.options.command'],
    [{ command: '   ', port: 3000 }, 'input.options.command'],
    [{ command: 'x'.repeat(1001), port: 3000 }, 'input.options.command'],
    [{ port: 3000 }, 'input.options.command'],
    [{ command: 'node a.js' }, 'input.options.port'],
    [{ command: 'node a.js', port: 80 }, 'input.options.port'],
    [{ command: 'node a.js', port: 70000 }, 'input.options.port'],
    [{ command: 'node a.js', port: 3000, publicRoot: '../x' }, 'input.options.publicRoot'],
    [{ command: 'node a.js', port: 3000, timeout: 5 }, 'input.options.timeout'],
  ])('process app options %j', async (options, field) => {
    const before = await rows();
    const result = await client.data(CreateWebAppDocument, { input: { accountId, name: 'proc', type: 'PROCESS', options } });
    expect(result.createWebApp.userErrors.map((e) => e.field)).toEqual([field]);
    expect(await rows()).toEqual(before);
  });

  test('a process app\'s port is taken by another account\'s process app; a command with shell syntax is the account\'s own and reaches the script quoted', async () => {
    const command = `exec node "it's $(id)" \`id\` > /dev/null; echo ü`;
    const first = await client.data(CreateWebAppDocument, { input: { accountId, name: 'proc', type: 'PROCESS', options: { command, port: 3999 } } });
    expect(first.createWebApp.userErrors).toEqual([]);
    expect(first.createWebApp.webApp!.options).toMatchObject({ command, port: 3999 });
    const before = await rows();
    const taken = await other.data(CreateWebAppDocument, { input: { accountId: otherAccountId, name: 'proc', type: 'PROCESS', options: { command: 'node b.js', port: 3999 } } });
    expect(taken.createWebApp.userErrors).toEqual([expect.objectContaining({ field: 'input.options.port', code: 'TAKEN' })]);
    expect(await rows()).toEqual(before);
    // The script has the command as ONE quoted argument: bash reading the script gets it back exactly.
    const em = h.orm.em.fork();
    const run = await em.findOneOrFail(ScriptRun, { script: { $like: '%process_save%' } }, { orderBy: { id: 'desc' } });
    const from = run.script.indexOf('\nprocess_save ') + 1;
    const call = run.script.slice(from, run.script.indexOf('\nphp_pool_remove ', from));
    expect(from).toBeGreaterThan(0);
    const third = spawnSync('bash', ['-c', `process_save() { printf '%s' "$3"; }\n${call}`]);
    expect(third.stdout.toString()).toBe(command);
  });

  test('an unconfigured PHP version, a symbolic link out of the home', async () => {
    const php = await client.data(CreateWebAppDocument, { input: { accountId, name: 'old', type: 'PHP', phpVersion: '5.6' } });
    expect(php.createWebApp.userErrors.map((e) => e.field)).toEqual(['input.phpVersion']);
    const link = await client.data(CreateWebAppDocument, { input: { accountId, name: 'link', type: 'SYMBOLIC_LINK', options: { target: '../../etc' } } });
    expect(link.createWebApp.userErrors.map((e) => e.field)).toEqual(['input.options.target']);
  });
});

describe('ownership and ports', () => {
  test("another account's domain or web app is NOT_FOUND; a domain serves one website per port", async () => {
    const foreign = await client.data(CreateWebsiteDocument, { input: { accountId, name: 'x', domainIds: [otherDomainId], contents: [] } });
    expect(foreign.createWebsite.userErrors).toEqual([expect.objectContaining({ field: 'input.domainIds[0]', code: 'NOT_FOUND' })]);
    const app = await other.data(CreateWebsiteDocument, { input: { accountId: otherAccountId, name: 'x', domainIds: [otherDomainId], contents: [{ path: '/', webAppId: appId }] } });
    expect(app.createWebsite.userErrors).toEqual([expect.objectContaining({ field: 'input.contents[0].webAppId', code: 'NOT_FOUND' })]);
    const taken = await client.data(CreateWebsiteDocument, { input: { accountId, name: 'second', domainIds: [domainId], protocol: 'HTTP_AND_HTTPS' } });
    expect(taken.createWebsite.userErrors).toEqual([expect.objectContaining({ field: 'input.domainIds', code: 'TAKEN' })]);
    const https = await client.data(CreateWebsiteDocument, { input: { accountId, name: 'secure', domainIds: [domainId], protocol: 'HTTPS' } });
    expect(https.createWebsite.userErrors).toEqual([]);
    expect((await other.data(WebsitesDocument, {})).websites.totalCount).toBe(0);
  });

  test('a change renders one script per web server backend, the value inside the quoted configuration', async () => {
    const changed = await client.data(UpdateWebsiteDocument, { input: { id: websiteId, directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/a?b=1&c=(2)' }] } });
    expect(changed.updateWebsite.userErrors).toEqual([]);
    const scripts = await h.orm.em.fork().find(ScriptRun, {}, { orderBy: { id: 'desc' }, limit: 2 });
    for (const run of scripts) expect(run.script).toContain('"https://example.org/a?b=1&c=(2)"');
    expect(scripts.map((r) => r.backend).sort()).toEqual(['apache-websites', 'nginx-websites']);
  });
});

test("one plan reads the web routes once for all its websites' peers, not twice per website (a 500-site sync read them 1,000 times)", async () => {
  const em = h.orm.em.fork();
  const site = await em.findOneOrFail(Website, { id: idOf('Website', websiteId) }, { populate: ['account'], filters: false });
  const shared = new Map<string, unknown>(); // what the collector gives every source of one plan
  h.takeSql();
  const peers: string[][] = [];
  for (let i = 0; i < 3; i++) peers.push(((await websiteModule.source(em, site, shared)).source as WebsiteSource).peers ?? []);
  expect(h.takeSql().filter((line) => /from "route"/.test(line))).toHaveLength(2); // nginx-websites, apache-websites
  expect(peers).toEqual([['192.0.2.80'], ['192.0.2.80'], ['192.0.2.80']]);
});

test("servers stored by host name are peers by their addresses; a name that does not resolve is left out, and the operation's output says so", async () => {
  // `localhost` resolves (the system's resolver, /etc/hosts); `.invalid` never does (RFC 6761).
  const em = h.orm.em.fork();
  for (const [name, address] of [['web-by-name', 'localhost'], ['web-unresolved', 'web3.orchestra.invalid']]) {
    const server = em.create(Server, { name, address });
    em.create(Route, { backend: 'nginx-websites', server, match: 'website.name == "named"' });
  }
  await em.flush();
  const domain = await client.data(CreateDomainDocument, { input: { accountId, name: 'named.webapi.example' } });
  const site = await client.data(CreateWebsiteDocument, { input: { accountId, name: 'named', domainIds: [domain.createDomain.domain!.id], contents: [{ path: '/', webAppId: appId }] } });
  expect(site.createWebsite.userErrors).toEqual([]);

  const ops = await h.orm.em.fork().find(Operation, { objectId: idOf('Website', site.createWebsite.website!.id), backend: 'nginx-websites' }, { populate: ['server', 'run'] });
  expect(ops.map((o) => o.server.getEntity().name).sort()).toEqual(['web-by-name', 'web-nowhere', 'web-unresolved']);
  for (const op of ops) {
    const snapshot = op.snapshot as { peers: string[]; unresolvedPeers?: string[] };
    expect(snapshot.peers).toContain('127.0.0.1');
    expect(snapshot.peers).toContain('192.0.2.80');
    expect(snapshot.peers.join(' ')).not.toMatch(/[a-z]{2}/); // addresses only: no name nginx would resolve at load
    expect(snapshot.unresolvedPeers).toEqual(['web3.orchestra.invalid']);
    const script = op.run.getEntity().script;
    expect(script).toContain('server 127.0.0.1:80 max_fails=0;');
    for (const name of ['web3.orchestra.invalid', 'localhost']) expect(script).not.toContain(`server ${name}:80`); // no upstream server by name
    expect(script).toContain("echo 'warning: server web3.orchestra.invalid does not resolve: not asked for this site'\\''s ACME challenges'");
  }
});

test("a web route created, changed or deleted saves the sites whose servers it changes on every server of their new set, and removes them where they left", async () => {
  const site = idOf('Website', websiteId); // `main`, on web-nowhere (nginx and Apache) so far
  const em = h.orm.em.fork();
  let seen = await em.count(Operation);
  const newOperations = async () => {
    const ops = await h.orm.em.fork().find(Operation, {}, { populate: ['server'], orderBy: { id: 'asc' }, offset: seen });
    seen += ops.length;
    return ops.map((o) => ({ what: `${o.backend}/${o.action}@${o.server.getEntity().name} ${o.objectId === site ? 'main' : o.objectId}`, peers: (o.snapshot as { peers: string[] }).peers }));
  };
  const server = em.create(Server, { name: 'web-joining', address: '192.0.2.81' });
  const route = em.create(Route, { backend: 'nginx-websites', server, match: 'website.name == "main"' });
  await em.flush();
  const joined = await newOperations();
  expect(joined.map((o) => o.what).sort()).toEqual(['apache-websites/save@web-nowhere main', 'nginx-websites/save@web-joining main', 'nginx-websites/save@web-nowhere main']);
  for (const op of joined) expect(op.peers).toEqual(['192.0.2.80', '192.0.2.81']);

  // Another expression selecting the same sites moves none: nothing to do.
  route.match = 'website.name in ["main"]';
  await em.flush();
  expect(await newOperations()).toEqual([]);

  em.remove(route);
  await em.flush();
  const left = await newOperations();
  expect(left.map((o) => o.what).sort()).toEqual(['apache-websites/save@web-nowhere main', 'nginx-websites/delete@web-joining main', 'nginx-websites/save@web-nowhere main']);
  for (const op of left.filter((o) => o.what.includes('/save@'))) expect(op.peers).toEqual(['192.0.2.80']);
});

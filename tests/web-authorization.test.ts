/**
 * The authorisation matrix for web apps and websites: anonymous, a user of account A, a user of account B and an
 * admin, over every query, mutation and input field, aimed at account A's objects. A denied call changes nothing
 * (no row, no operation).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { WebApp } from '../src/entities/web/web-app.js';
import { Website } from '../src/entities/web/website.js';
import {
  CreateDomainDocument, CreateWebAppDocument, CreateWebsiteDocument, DeleteWebAppDocument, DeleteWebsiteDocument, UpdateWebAppDocument,
  UpdateWebsiteDocument, WebAppDocument, WebAppsDocument, WebNodeDocument, WebsiteDocument, WebsitesDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { ANY_USER, OWNER_OR_ADMIN, type Caller, type Case } from './support/authorization-matrix.js';
import { accountWithUser, outcome } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let clients: Record<Caller, GraphQLClient>;
let accountA: string;
let appA: string;
let phpA: string;
let processA: string;
let siteA: string;
let domainA: string;
const freeDomainsA: string[] = [];
let n = 0;

async function snapshot() {
  const em = h.orm.em.fork();
  const strip = (rows: object[]) => rows.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    apps: strip(await em.find(WebApp, {}, { orderBy: { id: 'asc' } })),
    sites: strip(await em.find(Website, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'webalpha');
  const b = await accountWithUser(h.admin, 'webbravo');
  accountA = a.account.id;
  const domain = async (name: string) => (await a.client.data(CreateDomainDocument, { input: { accountId: accountA, name } })).createDomain.domain!.id;
  domainA = await domain('webalpha.example');
  // Websites created by the matrix each take a domain of their own (a domain serves one website per port).
  for (let i = 0; i < 4; i++) freeDomainsA.push(await domain(`new${i}.webalpha.example`));
  const app = async (input: Record<string, unknown>) => {
    const created = await a.client.data(CreateWebAppDocument, { input: { accountId: accountA, ...input } as never });
    expect(created.createWebApp.userErrors).toEqual([]);
    return created.createWebApp.webApp!.id;
  };
  appA = await app({ name: 'www', type: 'STATIC' });
  phpA = await app({ name: 'php', type: 'PHP' });
  processA = await app({ name: 'api', type: 'PROCESS', options: { command: 'exec node server.js', port: 4000 } });
  const site = await a.client.data(CreateWebsiteDocument, { input: { accountId: accountA, name: 'main', domainIds: [domainA], contents: [{ path: '/', webAppId: appA }] } });
  expect(site.createWebsite.userErrors).toEqual([]);
  siteA = site.createWebsite.website!.id;
  const bDomain = (await b.client.data(CreateDomainDocument, { input: { accountId: b.account.id, name: 'webbravo.example' } })).createDomain.domain!.id;
  await b.client.data(CreateWebsiteDocument, { input: { accountId: b.account.id, name: 'main', domainIds: [bDomain] } });
  clients = { anonymous: h.client, userA: a.client, userB: b.client, admin: h.admin };
});
afterAll(() => h?.close());

const cases: Case[] = [
  // Every field of WebApp and Website is in WebAppDocument and WebsiteDocument (options, resources, account included).
  { name: 'query webApp(A) with every field', run: (c) => c.request(WebAppDocument, { id: appA }), expected: OWNER_OR_ADMIN },
  { name: 'query webApp(A process) with every field', run: (c) => c.request(WebAppDocument, { id: processA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(web app A)', run: (c) => c.request(WebNodeDocument, { id: appA }), expected: OWNER_OR_ADMIN },
  { name: 'query website(A) with every field', run: (c) => c.request(WebsiteDocument, { id: siteA }), expected: OWNER_OR_ADMIN },
  { name: 'query node(website A)', run: (c) => c.request(WebNodeDocument, { id: siteA }), expected: OWNER_OR_ADMIN },
  { name: 'query webApps', run: (c) => c.request(WebAppsDocument, {}), expected: ANY_USER },
  { name: 'query websites', run: (c) => c.request(WebsitesDocument, {}), expected: ANY_USER },
  { name: 'mutation createWebApp(A, static)', run: (c) => c.request(CreateWebAppDocument, { input: { accountId: accountA, name: `s${++n}`, type: 'STATIC', options: { publicRoot: 'public' } } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation createWebApp(A, PHP)', run: (c) => c.request(CreateWebAppDocument, { input: { accountId: accountA, name: `p${++n}`, type: 'PHP', phpVersion: '8.2', options: { timeout: 10, processes: 2, phpIni: [{ name: 'memory_limit', value: '64M' }] } } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation createWebApp(A, symbolic link)', run: (c) => c.request(CreateWebAppDocument, { input: { accountId: accountA, name: `l${++n}`, type: 'SYMBOLIC_LINK', options: { target: 'shared' } } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation createWebApp(A, process)', run: (c) => c.request(CreateWebAppDocument, { input: { accountId: accountA, name: `r${++n}`, type: 'PROCESS', options: { command: 'exec ./run', port: 5000 + ++n } } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateWebApp(A).phpVersion', run: (c) => c.request(UpdateWebAppDocument, { input: { id: phpA, phpVersion: '8.2' } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateWebApp(A).options', run: (c) => c.request(UpdateWebAppDocument, { input: { id: phpA, options: { timeout: 10 + ++n } } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateWebApp(A process).options', run: (c) => c.request(UpdateWebAppDocument, { input: { id: processA, options: { command: `exec ./run --n ${++n}`, port: 4000 } } }), expected: OWNER_OR_ADMIN, mutates: true },
  {
    name: 'mutation createWebsite(A) with every field',
    run: (c) => c.request(CreateWebsiteDocument, {
      input: {
        accountId: accountA, name: `w${++n}`, domainIds: [freeDomainsA.pop()!], protocol: 'HTTP', isActive: true,
        contents: [{ path: '/', webAppId: appA }], directives: [{ kind: 'REDIRECT', path: '/old', value: 'https://example.org/' }],
      },
    }),
    expected: OWNER_OR_ADMIN,
    mutates: true,
  },
  { name: 'mutation updateWebsite(A).protocol', run: (c) => c.request(UpdateWebsiteDocument, { input: { id: siteA, protocol: ++n % 2 ? 'HTTPS' : 'HTTP' } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateWebsite(A).domainIds', run: (c) => c.request(UpdateWebsiteDocument, { input: { id: siteA, domainIds: [domainA] } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateWebsite(A).contents', run: (c) => c.request(UpdateWebsiteDocument, { input: { id: siteA, contents: [{ path: '/', webAppId: appA }, { path: `/php${++n}`, webAppId: phpA }] } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateWebsite(A).directives', run: (c) => c.request(UpdateWebsiteDocument, { input: { id: siteA, directives: [{ kind: 'PROXY', path: '/api', value: `http://127.0.0.1:${4000 + ++n}` }] } }), expected: OWNER_OR_ADMIN, mutates: true },
  { name: 'mutation updateWebsite(A).isActive', run: (c) => c.request(UpdateWebsiteDocument, { input: { id: siteA, isActive: ++n % 2 === 0 } }), expected: OWNER_OR_ADMIN, mutates: true },
];

describe.each(['anonymous', 'userB', 'userA', 'admin'] as Caller[])('as %s', (caller) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = c.mutates ? await snapshot() : null;
    const result = await c.run(clients[caller]);
    expect(outcome(result)).toBe(c.expected[caller]);
    if (c.expected[caller] !== 'ok' && before) expect(await snapshot()).toEqual(before);
    if (c.expected[caller] === 'ok') expect(result.data).toBeTruthy();
  });
});

test('lists show account users only their own web apps and websites; admins see all', async () => {
  const owners = async (c: GraphQLClient) => ({
    apps: new Set((await c.data(WebAppsDocument, { first: 100 })).webApps.nodes.map((a) => a.account.username)),
    sites: new Set((await c.data(WebsitesDocument, { first: 100 })).websites.nodes.map((s) => s.account.username)),
  });
  expect(await owners(clients.userA)).toEqual({ apps: new Set(['webalpha']), sites: new Set(['webalpha']) });
  expect((await owners(clients.userB)).sites).toEqual(new Set(['webbravo']));
  expect((await owners(clients.userB)).apps.has('webalpha')).toBe(false);
  expect((await owners(clients.admin)).sites).toEqual(new Set(['webalpha', 'webbravo']));
});

test('deletes: anonymous is UNAUTHENTICATED and B gets NOT_FOUND, changing nothing; A deletes', async () => {
  const before = await snapshot();
  for (const [caller, code] of [['anonymous', 'UNAUTHENTICATED'], ['userB', 'NOT_FOUND']] as const) {
    expect(outcome(await clients[caller].request(DeleteWebsiteDocument, { id: siteA }))).toBe(code);
    expect(outcome(await clients[caller].request(DeleteWebAppDocument, { id: processA }))).toBe(code);
  }
  expect(await snapshot()).toEqual(before);
  expect(outcome(await clients.userA.request(DeleteWebsiteDocument, { id: siteA }))).toBe('ok');
  expect(outcome(await clients.userA.request(DeleteWebAppDocument, { id: processA }))).toBe('ok');
  const em = h.orm.em.fork();
  expect(await em.count(Website, { name: 'main', account: { username: 'webalpha' } }, { filters: false })).toBe(0);
  expect(await em.count(WebApp, { name: 'api' }, { filters: false })).toBe(0);
});

/** Conventions every type follows: no N+1, limits on depth and cost, standard errors, a schema file that is current. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Account } from '../src/entities/accounts/account.js';
import { Contact } from '../src/entities/accounts/contact.js';
import { BillContact } from '../src/entities/accounts/bill-contact.js';
import { parse, validate, type GraphQLObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { createSchema } from '../src/schema/build-schema.js';
import { queryLimits } from '../src/schema/limits.js';
import { AccountsWithContactsDocument, NodeDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  const em = h.orm.em.fork();
  for (let i = 0; i < 60; i++) {
    const account = em.create(Account, { username: `bulk${String(i).padStart(3, '0')}` });
    em.create(Contact, { account, shortName: `c${i}a`, email: `a${i}@example.org` });
    em.create(Contact, { account, shortName: `c${i}b`, email: `b${i}@example.org` });
    if (i % 2) em.create(BillContact, { account, name: `b${i}`, address: 'x', city: 'y', zipcode: '08001', country: 'ES' });
  }
  await em.flush();
});
afterAll(() => h?.close());

async function statementsFor(first: number): Promise<number> {
  const before = h.sqlCount();
  const result = await h.admin.data(AccountsWithContactsDocument, { first });
  expect(result.accounts.nodes).toHaveLength(first);
  expect(result.accounts.nodes.filter((n) => n.username.startsWith('bulk')).every((n) => n.contacts.length === 2)).toBe(true);
  return h.sqlCount() - before;
}

test('a page of accounts with contacts and bill contacts costs the same number of SQL statements for 5 or 50 accounts', async () => {
  const small = await statementsFor(5);
  const large = await statementsFor(50);
  expect(large).toBe(small);
  // authentication (1) + page (1) + count (1) + contacts (1) + bill contacts (1)
  expect(large).toBeLessThanOrEqual(6);
});

/** SQL statements one raw query runs in the API, and its data. */
async function statementsOf(query: string): Promise<{ statements: number; data: unknown }> {
  const before = h.sqlCount();
  const result = await h.admin.raw({ query });
  expect(result.errors).toBeUndefined();
  return { statements: h.sqlCount() - before, data: result.data };
}

test('a page counts its total only when totalCount is selected, and the page costs the same for 5 or 50', async () => {
  const page = (first: number, total: boolean) =>
    `{ accounts(first: ${first}, filter: { search: "bulk" }) { ${total ? 'totalCount' : ''} nodes { username contacts { email } } } }`;
  const withTotal = await statementsOf(page(50, true));
  const withoutTotal = await statementsOf(page(50, false));
  expect(withTotal.data).toMatchObject({ accounts: { totalCount: 60 } });
  expect(withoutTotal.data).not.toHaveProperty('accounts.totalCount');
  // authentication + page + contacts, and the count only when asked for
  expect(withoutTotal.statements).toBe(3);
  expect(withTotal.statements).toBe(4);
  expect((await statementsOf(page(5, false))).statements).toBe(withoutTotal.statements);
  expect((await statementsOf(page(5, true))).statements).toBe(withTotal.statements);
});

test('the page, its total and its contacts are read in plain SQL, and the session user in one statement, for 5 or 50 accounts', async () => {
  const page = (first: number) => `{ accounts(first: ${first}, filter: { search: "bulk" }) { totalCount nodes { username contacts { email } } } }`;
  const texts: string[][] = [];
  for (const first of [5, 50]) {
    h.takeSql();
    const { statements } = await statementsOf(page(first));
    const sql = h.takeSql();
    expect(sql).toHaveLength(statements);
    // Written by src/auth/session-user.ts and src/schema/relay/row-sql.ts, not by MikroORM's query builder (its
    // statements alias every table: "a0", "c1").
    expect(sql.filter((line) => /"[a-z]+\d+"\./.test(line))).toEqual([]);
    expect(sql.map((line) => /from ("\w+")/.exec(line)?.[1]).sort()).toEqual(['"account"', '"account"', '"contact"', '"user"']);
    expect(sql.find((line) => /from "contact"/.test(line))).toContain(' = any(?)');
    texts.push(sql.map((line) => line.replace(/ \[took .*$/, '')).sort());
  }
  // Prepared statements (src/db/prepared-read.ts): the values are parameters (an $in list one array, the limit one
  // number), so a page of 5 and one of 50 send the same texts and PostgreSQL plans each once per connection.
  expect(texts[1]).toEqual(texts[0]);
});

test('totalCount counts the whole filtered list on every page, and selected twice is counted once', async () => {
  const first = (await h.admin.raw<{ accounts: { totalCount: number; pageInfo: { endCursor: string } } }>({
    query: '{ accounts(first: 5, filter: { search: "bulk" }) { totalCount pageInfo { endCursor } } }',
  })).data!.accounts;
  expect(first.totalCount).toBe(60);
  const next = await statementsOf(
    `{ accounts(first: 5, after: "${first.pageInfo.endCursor}", filter: { search: "bulk" }) { totalCount again: totalCount nodes { username } } }`,
  );
  expect(next.data).toMatchObject({ accounts: { totalCount: 60, again: 60 } });
  expect(next.statements).toBe(3); // authentication, page, one count
});

test('scalar fields resolve synchronously: no field middleware makes them promises', async () => {
  const schema = await createSchema();
  const account = schema.getType('Account') as GraphQLObjectType;
  const contact = schema.getType('Contact') as GraphQLObjectType;
  const root = { username: 'u1', shortName: 's', email: 'e@example.org', createdAt: new Date(0) };
  for (const [type, field] of [[account, 'username'], [account, 'shortName'], [account, 'createdAt'], [contact, 'email']] as const) {
    const resolve = type.getFields()[field].resolve ?? ((r: Record<string, unknown>) => r[field]);
    const value = resolve(root, {}, {}, { fieldName: field, parentType: type } as never);
    expect(value).toBe(root[field as keyof typeof root]);
  }
});

test('the list pages\' node types leave their plain fields to the executor, and keep their resolvers for id and relations', async () => {
  // simpleResolvers (src/schema/accounts/contact.type.ts): no resolve function, so graphql-jit compiles a property read
  // instead of calling type-graphql's wrapper per field; fields with a resolver method keep it.
  const schema = await createSchema();
  const plain: Record<string, string[]> = {
    Account: ['username', 'type', 'language', 'isActive', 'shortName', 'fullName', 'createdAt', 'updatedAt'],
    Contact: ['shortName', 'fullName', 'email', 'emailUsages', 'phone', 'phone2', 'address', 'city', 'zipcode', 'country', 'createdAt', 'updatedAt'],
    BillContact: ['name', 'address', 'city', 'zipcode', 'country', 'vat'],
  };
  const resolved: Record<string, string[]> = { Account: ['id', 'contacts', 'billContact'], Contact: ['id', 'account'], BillContact: ['id'] };
  for (const [name, fields] of Object.entries(plain)) {
    const type = schema.getType(name) as GraphQLObjectType;
    expect([name, fields.filter((field) => type.getFields()[field].resolve)]).toEqual([name, []]);
    expect([name, resolved[name].filter((field) => !type.getFields()[field].resolve)]).toEqual([name, []]);
  }
  // type-graphql does not run the roles or middlewares of a plain field (no resolver method) of such a type: none may
  // have either, or it would be silently open. Fields with a resolver method keep theirs (Account.comments: admins).
  const storage = getMetadataStorage();
  const methods = new Set(storage.fieldResolvers.map((resolver) => `${String(resolver.getObjectType?.().name)}.${resolver.methodName}`));
  const simpleTypes = storage.objectTypes.filter((type) => type.simpleResolvers);
  expect(simpleTypes.map((type) => type.name).sort()).toEqual(['Account', 'BillContact', 'Contact']);
  for (const type of simpleTypes) {
    const plainFields = (type.fields ?? []).filter((field) => !methods.has(`${field.target.name}.${field.name}`));
    const guarded = plainFields.filter((field) => field.roles || field.middlewares?.length);
    expect([type.name, guarded.map((field) => field.name)]).toEqual([type.name, []]);
  }
  expect((schema.getType('Account') as GraphQLObjectType).getFields().comments.resolve).toBeDefined();
});

test('answers over HTTP say Cache-Control: no-store (they depend on who asks)', async () => {
  for (const token of [h.admin.token, null]) {
    const response = await fetch(h.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: '{ accounts(first: 1) { totalCount } }' }),
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  }
});

test('queries deeper than the limit are refused before they run', async () => {
  const deep = `{ me { account { contacts { account { contacts { account { contacts { account { contacts { account { username } } } } } } } } } } }`;
  const result = await h.admin.raw({ query: deep });
  expect(result.status).toBe(400);
  expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  expect(result.errors?.[0].message).toMatch(/depth \d+ exceeds the limit of 10/);
});

test('queries that would cost too much are refused', async () => {
  const expensive = `{ accounts(first: 100) { nodes { contacts { account { contacts { account { contacts { email } } } } } } } }`;
  const result = await h.admin.raw({ query: expensive });
  expect(result.errors?.[0].message).toMatch(/cost \d+ exceeds the limit of 50000/);
});

test('fields are priced by what they do: 300 aliased systemHealth fields are refused before any workflow starts', async () => {
  const healthChecks = async () =>
    (await h.temporal.workflow.count(`TaskQueue = '${h.config.temporalTaskQueue}' AND WorkflowType = 'healthCheckWorkflow'`)).count;
  const aliased = `{ ${Array.from({ length: 300 }, (_, i) => `h${i}: systemHealth { database }`).join(' ')} }`;
  const result = await h.admin.raw({ query: aliased });
  expect(result.status).toBe(400);
  expect(result.data).toBeUndefined();
  expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX' } })]);
  expect(result.errors?.[0].message).toMatch(/cost \d+ exceeds the limit of 50000/);
  expect(await healthChecks()).toBe(0);
});

test('the cost estimate lets ordinary queries through and refuses many expensive fields', async () => {
  const schema = await createSchema();
  const refused = (query: string) => validate(schema, parse(query), [queryLimits(10, 50_000)]).map((e) => e.message);
  expect(refused('{ systemHealth { database } }')).toEqual([]);
  expect(refused(`{ ${Array.from({ length: 6 }, (_, i) => `h${i}: systemHealth { database }`).join(' ')} }`)).toEqual([expect.stringMatching(/cost/)]);
  // A page of servers with their status over SSH is fine; a page of host-key probes too, but not both many times over.
  expect(refused('{ servers(first: 100) { nodes { name status { reachable } presentedHostKey { fingerprint } } } }')).toEqual([]);
  expect(refused(`{ ${Array.from({ length: 10 }, (_, i) => `s${i}: servers(first: 100) { nodes { status { reachable } } }`).join(' ')} }`)).toEqual([expect.stringMatching(/cost/)]);
  expect(refused('{ accounts(first: 100) { nodes { username contacts { email } } } }')).toEqual([]);
  // Each login hashes a password: a request cannot carry a thousand guesses.
  const logins = (n: number) => `mutation { ${Array.from({ length: n }, (_, i) => `l${i}: login(input: { username: "u", password: "p${i}" }) { token }`).join(' ')} }`;
  expect(refused(logins(10))).toEqual([]);
  expect(refused(logins(60))).toEqual([expect.stringMatching(/cost/)]);
});

test('malformed GraphQL gets the standard errors and never a stack trace', async () => {
  const cases = [
    { query: '{ accounts { ' },
    { query: '{ noSuchField }' },
    { query: 'query ($id: ID!) { account(id: $id) { id } }', variables: {} },
    'this is not json',
  ];
  const codes = [];
  for (const body of cases) {
    const result = await h.admin.raw(body);
    expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.(ts|js):\d+/i);
    codes.push(result.errors?.[0].extensions?.code ?? result.status);
  }
  expect(codes).toEqual(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST']);
});

test('node() rejects malformed ids and answers NOT_FOUND for unknown ones', async () => {
  const bad = await h.admin.request(NodeDocument, { id: 'not-an-id' });
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const unknown = await h.admin.request(NodeDocument, { id: Buffer.from('Account:999999').toString('base64url') });
  expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const type = await h.admin.request(NodeDocument, { id: Buffer.from('Spaceship:1').toString('base64url') });
  expect(type.errors?.[0].extensions?.code).toBe('NOT_FOUND');
});

test('schema.graphql in the repository is what the resolvers produce (run `npm run schema:emit` when this fails)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'schema-')), 'schema.graphql');
  await createSchema(path);
  expect(readFileSync(path, 'utf8')).toBe(readFileSync('schema.graphql', 'utf8'));
});

/**
 * Execution answers what graphql-js answered: input defaults, variable coercion and its errors, error formatting
 * (the API executes compiled operations, src/api/compiled-executor.ts; these are where a compiler differed).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createSchema } from '../src/schema/build-schema.js';
import { Account } from '../src/entities/accounts/account.js';
import { AccountsDocument, AuditLogDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  const em = h.orm.em.fork();
  for (const username of ['exec-b', 'exec-c', 'exec-a']) em.create(Account, { username });
  await em.flush();
});
afterAll(() => h?.close());

const usernames = (nodes: { node: { username: string } }[]) => nodes.map((e) => e.node.username);

test('a non-null input field with a default gets its default, from a variable and from an inline value', async () => {
  const filter = { search: 'exec-' };
  // AccountOrder.direction is `SortDirection! = ASC`: left out, it is ASC.
  const fromVariable = await h.admin.data(AccountsDocument, { filter, orderBy: { field: 'USERNAME' } });
  expect(usernames(fromVariable.accounts.edges)).toEqual(['exec-a', 'exec-b', 'exec-c']);
  const descending = await h.admin.data(AccountsDocument, { filter, orderBy: { field: 'USERNAME', direction: 'DESC' } });
  expect(usernames(descending.accounts.edges)).toEqual(['exec-c', 'exec-b', 'exec-a']);
  const inline = await h.admin.raw<{ accounts: { nodes: { username: string }[] } }>({
    query: '{ accounts(filter: { search: "exec-" }, orderBy: { field: USERNAME }) { nodes { username } } }',
  });
  expect(inline.errors).toBeUndefined();
  expect(inline.data!.accounts.nodes.map((n) => n.username)).toEqual(['exec-a', 'exec-b', 'exec-c']);
});

test('variables of custom scalars and enums reach resolvers as graphql-js coerces them', async () => {
  // DateTimeISO parses to a Date once; an enum variable arrives as its internal value.
  const future = await h.admin.data(AuditLogDocument, { first: 5, filter: { since: '2999-01-01T00:00:00.000Z' } });
  expect(future.auditLog.totalCount).toBe(0);
  const past = await h.admin.data(AuditLogDocument, { first: 5, filter: { until: '2999-01-01T00:00:00.000Z' } });
  expect(past.auditLog.totalCount).toBeGreaterThan(0);
  const ordered = await h.admin.raw<{ accounts: { nodes: { username: string }[] } }>({
    query: 'query ($d: SortDirection!) { accounts(filter: { search: "exec-" }, orderBy: { field: USERNAME, direction: $d }) { nodes { username } } }',
    variables: { d: 'DESC' },
  });
  expect(ordered.data!.accounts.nodes.map((n) => n.username)).toEqual(['exec-c', 'exec-b', 'exec-a']);
});

test('variables that do not coerce are BAD_USER_INPUT with HTTP 400 and graphql-js messages, and nothing runs', async () => {
  const cases: [object, string][] = [
    [{ query: 'query ($first: Int) { accounts(first: $first) { totalCount } }', variables: { first: 'ten' } },
      'Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"'],
    [{ query: 'query ($o: AccountOrder) { accounts(orderBy: $o) { totalCount } }', variables: { o: { field: 'NOPE' } } },
      'Variable "$o" got invalid value "NOPE" at "o.field"; Value "NOPE" does not exist in "AccountOrderField" enum.'],
    [{ query: 'query ($o: AccountOrder) { accounts(orderBy: $o) { totalCount } }', variables: { o: { direction: 'ASC' } } },
      'Variable "$o" got invalid value { direction: "ASC" }; Field "field" of required type "AccountOrderField!" was not provided.'],
    [{ query: 'query ($id: ID!) { account(id: $id) { id } }', variables: {} }, 'Variable "$id" of required type "ID!" was not provided.'],
    [{ query: 'query ($f: AuditFilter) { auditLog(filter: $f) { totalCount } }', variables: { f: { since: 'yesterday' } } },
      expect.stringMatching(/^Variable "\$f" got invalid value "yesterday" at "f.since"; /) as unknown as string],
  ];
  for (const [body, message] of cases) {
    const before = h.sqlCount();
    const result = await h.admin.raw(body);
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([{ message, locations: [expect.any(Object)], extensions: { code: 'BAD_USER_INPUT' } }]);
    // Authentication reads the token's row; no resolver ran.
    expect(h.sqlCount() - before).toBeLessThanOrEqual(1);
  }
});

test('resolver errors keep their domain code, path and locations', async () => {
  const unknown = Buffer.from('Account:999999').toString('base64url');
  const result = await h.admin.raw({
    query: `{\n  me { username }\n  account(id: "${unknown}") { id }\n}`,
  });
  expect(result.status).toBe(200);
  // `account` is non-null: its error nulls the whole answer, as graphql-js does.
  expect(result.data).toBeNull();
  expect(result.errors).toEqual([
    { message: expect.any(String), path: ['account'], locations: [{ line: 3, column: 3 }], extensions: { code: 'NOT_FOUND', reason: 'NOT_FOUND' } },
  ]);
  const anonymous = await h.client.raw({ query: '{ accounts(first: 1) { totalCount } }' });
  expect(anonymous.errors).toEqual([
    { message: expect.any(String), path: ['accounts'], locations: [{ line: 1, column: 3 }], extensions: { code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' } },
  ]);
});

test('introspection describes exactly the schema the resolvers build', async () => {
  const result = await h.admin.raw<{ __schema: { types: { name: string }[] } }>({ query: '{ __schema { types { name } } }' });
  // Built after the request: building blocks this process (the API's too) for seconds on a busy machine, past the
  // server's keep-alive timeout, and the client's next request would go out on a connection the server then closes.
  const schema = await createSchema();
  expect(result.errors).toBeUndefined();
  expect(result.data!.__schema.types.map((t) => t.name).sort()).toEqual(Object.keys(schema.getTypeMap()).sort());
});

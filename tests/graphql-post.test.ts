/**
 * POST /graphql is served straight from node:http (src/api/graphql-post.ts) and must answer as Express did: every
 * request here is also sent to `/graphql?`, which only Express serves (the fast path takes the exact path only), and
 * both answers must match — status, body and the headers clients read — except the ETag Express adds.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function post(path: string, body: Buffer | string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(h.api.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a client reads of an answer: the request id is new per request, so only its presence counts. */
function seen(answer: Answer) {
  return {
    status: answer.status,
    body: answer.body,
    contentType: answer.headers['content-type'],
    cacheControl: answer.headers['cache-control'],
    requestId: answer.headers['x-request-id'] === undefined ? 'none' : 'present',
    poweredBy: answer.headers['x-powered-by'],
  };
}

const json = { 'content-type': 'application/json' };
const query = JSON.stringify({ query: '{ me { username } }' });

test('POST /graphql answers as Express does: queries, errors, bodies that are not JSON, other content types', async () => {
  const cases: { name: string; body: Buffer | string; headers: Record<string, string> }[] = [
    { name: 'a query, logged in', body: query, headers: { ...json, authorization: `Bearer ${h.admin.token}` } },
    { name: 'a query, no token', body: query, headers: json },
    { name: 'a bad token', body: query, headers: { ...json, authorization: 'Bearer nonsense' } },
    { name: 'charset=utf-8', body: query, headers: { 'content-type': 'application/json; charset=UTF-8', authorization: `Bearer ${h.admin.token}` } },
    { name: 'a leading BOM', body: `\uFEFF${query}`, headers: { ...json, authorization: `Bearer ${h.admin.token}` } },
    { name: 'not JSON', body: 'this is not json', headers: json },
    { name: 'truncated JSON', body: query.slice(0, -3), headers: json },
    { name: 'a JSON string, not an object', body: '"{ me { username } }"', headers: json },
    { name: 'an array', body: '[]', headers: json },
    { name: 'an object without a query', body: '{}', headers: json },
    { name: 'variables as a string', body: JSON.stringify({ query: '{ __typename }', variables: '{}' }), headers: json },
    { name: 'a parse error', body: JSON.stringify({ query: '{ me { ' }), headers: json },
    { name: 'a mutation with a userError', body: JSON.stringify({ query: 'mutation { login(input: { username: "nobody", password: "x" }) { token userErrors { code } } }' }), headers: json },
    { name: 'text/plain (CSRF prevention)', body: query, headers: { 'content-type': 'text/plain' } },
    { name: 'gzip', body: gzipSync(query), headers: { ...json, 'content-encoding': 'gzip', authorization: `Bearer ${h.admin.token}` } },
    { name: 'latin-1', body: query, headers: { 'content-type': 'application/json; charset=latin1' } },
    { name: 'empty', body: '', headers: json },
    { name: 'over 1 MB', body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1024 * 1024) } }), headers: json },
  ];
  for (const c of cases) {
    const fast = await post('/graphql', c.body, { ...c.headers, 'x-request-id': 'graphql-post-test-0001' });
    const viaExpress = await post('/graphql?', c.body, { ...c.headers, 'x-request-id': 'graphql-post-test-0001' });
    expect({ case: c.name, ...seen(fast) }).toEqual({ case: c.name, ...seen(viaExpress) });
  }
});

test('the fast path takes POST /graphql with a JSON body: no ETag, which only Express adds', async () => {
  const headers = { ...json, authorization: `Bearer ${h.admin.token}` };
  const fast = await post('/graphql', query, headers);
  expect(JSON.parse(fast.body)).toEqual({ data: { me: { username: 'admin' } } });
  expect(fast.headers.etag).toBeUndefined();
  expect((await post('/graphql?', query, headers)).headers.etag).toBeDefined();
  // The caller's request id comes back, as before.
  expect((await post('/graphql', query, { ...headers, 'x-request-id': 'graphql-post-test-0002' })).headers['x-request-id']).toBe('graphql-post-test-0002');
});

/**
 * The token of a subscription (graphql-ws on /graphql) comes in the connection's init payload, as `authorization`:
 * "Bearer <token>" like the HTTP header, or the bare token. A bad one is a typed error on the subscription, not a
 * socket closed with an internal error.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { OperationUpdatedDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

// No such operation: a caller who got past authentication learns NOT_FOUND, one who did not UNAUTHENTICATED.
const MISSING_OPERATION = Buffer.from('Operation:999999999').toString('base64url');

/**
 * The codes of the errors the subscription's first message carries, a result (`next`) or an `error` message alike
 * (the iterator throws an error message's list). A socket closed instead fails the test with its close code.
 */
async function firstErrorCodes(connectionParams: Record<string, unknown>): Promise<(string | undefined)[]> {
  const client = createClient({ url: h.api.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
  let errors: unknown[];
  try {
    const first = await client.iterate({ query: print(OperationUpdatedDocument), variables: { id: MISSING_OPERATION } }).next();
    errors = (first.value as { errors?: unknown[] } | undefined)?.errors ?? [];
  } catch (failure) {
    if (!Array.isArray(failure)) {
      const { code, reason } = failure as { code?: number; reason?: string };
      throw new Error(`the subscription failed with no GraphQL error: socket closed ${code} ${reason}`);
    }
    errors = failure;
  } finally {
    await client.dispose();
  }
  return (errors as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
}

test('a subscription accepts the token as "Bearer <token>" and as the bare token', async () => {
  const token = h.admin.token!;
  for (const authorization of [`Bearer ${token}`, token, `  ${token} `]) {
    expect(await firstErrorCodes({ authorization })).toEqual(['NOT_FOUND']);
  }
  // `Authorization`, as some clients spell it.
  expect(await firstErrorCodes({ Authorization: token })).toEqual(['NOT_FOUND']);
  // No token at all: anonymous, refused.
  expect(await firstErrorCodes({})).toEqual(['UNAUTHENTICATED']);
});

test('a bad token is a typed UNAUTHENTICATED error on the subscription, not an internal error', async () => {
  for (const authorization of ['not-a-token', 'Bearer not-a-token', 'Basic dXNlcjpwYXNz']) {
    expect(await firstErrorCodes({ authorization })).toEqual(['UNAUTHENTICATED']);
  }
});

/**
 * The operationUpdated subscription over a real graphql-ws connection: scoped like queries (an account user follows
 * their own account's operations), and typed errors for ids it cannot follow.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { CreateAccountWithOperationsDocument, LoginDocument, OperationDocument, OperationUpdatedDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { PASSWORD } from './support/fixtures.js';

let h: ApiHarness;
let aliceOperation: string;
let bobOperation: string;
let aliceToken: string;

beforeAll(async () => {
  h = await startApiHarness();
  // A route, so accounts get operations; no worker runs them, so they stay RECEIVED (not final: the stream stays open).
  const em = h.orm.em.fork();
  em.create(Route, { backend: 'system-users', server: em.create(Server, { name: 'web1', address: '127.0.0.1', sshPort: 1 }) });
  await em.flush();
  const operationOf = async (username: string) => {
    const created = await h.admin.data(CreateAccountWithOperationsDocument, { input: { username, password: PASSWORD } });
    return created.createAccount.operations[0].id;
  };
  aliceOperation = await operationOf('alice');
  bobOperation = await operationOf('bob');
  aliceToken = (await h.client.data(LoginDocument, { input: { username: 'alice', password: PASSWORD } })).login.token!;
});
afterAll(() => h?.close());

/** The first message the subscription sends: its data, or its errors. */
async function firstMessage(token: string, id: string): Promise<{ data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const client = createClient({ url: h.api.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } });
  try {
    const first = await client.iterate({ query: print(OperationUpdatedDocument), variables: { id } }).next();
    return first.value as never;
  } catch (err) {
    // graphql-ws rejects with the error list when the server answers with an `error` message.
    return { errors: err as never };
  } finally {
    await client.dispose();
  }
}

test('an account user follows an operation of their own account', async () => {
  const message = await firstMessage(aliceToken, aliceOperation);
  expect(message).toEqual({ data: { operationUpdated: { id: aliceOperation, state: 'RECEIVED' } } });
  // The same as the operation(id) query answers.
  const queried = await h.client.as(aliceToken).data(OperationDocument, { id: aliceOperation });
  expect(queried.operation).toEqual({ id: aliceOperation, state: 'RECEIVED' });
});

test('another account\'s operation and an unknown id are NOT_FOUND; a malformed id is BAD_USER_INPUT, as in queries', async () => {
  const unknown = Buffer.from('Operation:999999').toString('base64url');
  const codes = [];
  for (const [token, id] of [[aliceToken, bobOperation], [h.admin.token!, unknown], [h.admin.token!, 'not-an-id']]) {
    const message = await firstMessage(token, id);
    expect(message.data ?? null).toBeNull();
    codes.push(message.errors?.[0].extensions?.code);
  }
  expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'BAD_USER_INPUT']);
  const queried = await h.client.as(aliceToken).request(OperationDocument, { id: bobOperation });
  expect(queried.errors?.[0].extensions?.code).toBe('NOT_FOUND');
});

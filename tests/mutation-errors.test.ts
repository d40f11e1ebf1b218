/**
 * One error convention for every mutation: expected failures (bad input, a state that does not allow it, an unknown
 * or hidden object, a malformed id) are payload `userErrors`; only "you may not call this at all" (UNAUTHENTICATED,
 * FORBIDDEN) and unexpected failures are top-level errors. Admin-only fields of objects account users can read are
 * null for them, with a FORBIDDEN error at that path only.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { getNamedType, isObjectType } from 'graphql';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import { createSchema } from '../src/schema/build-schema.js';
import {
  AccountCommentsDocument, CancelOperationDocument, CreateAccountWithOperationsDocument, DeleteServerDocument,
  DisableAccountDocument, RetryOperationDocument, RevokeApiTokenDocument, SyncServerDocument, UpdateAccountDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';

let h: ApiHarness;
let serverId: string;
beforeAll(async () => {
  h = await startApiHarness();
  // A route, so accounts get operations; no worker runs them: the tests set their final states themselves.
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'web1', address: '127.0.0.1', sshPort: 1 });
  em.create(Route, { backend: 'system-users', server });
  await em.flush();
  serverId = Buffer.from(`Server:${server.id}`).toString('base64url');
});
afterAll(() => h?.close());

/** An operation (and its script run) of a new account, ended in `state` as a worker would record it. */
async function operationIn(username: string, state: RunState): Promise<string> {
  const created = await h.admin.data(CreateAccountWithOperationsDocument, { input: { username } });
  const id = created.createAccount.operations[0].id;
  const em = h.orm.em.fork();
  const op = await em.findOneOrFail(Operation, { id: Buffer.from(id, 'base64url').toString().split(':')[1] });
  await em.nativeUpdate(ScriptRun, { id: op.run.id }, { state, finishedAt: new Date() });
  await em.nativeUpdate(Operation, { run: op.run.id }, { state });
  return id;
}

test('every mutation payload has userErrors', async () => {
  const schema = await createSchema();
  const mutations = Object.values(schema.getMutationType()!.getFields());
  const without = mutations.filter((m) => {
    const payload = getNamedType(m.type);
    return !isObjectType(payload) || !('userErrors' in payload.getFields());
  });
  expect(without.map((m) => m.name)).toEqual([]);
});

test('retrying an operation that did not fail is a userError, like cancelling one that ended', async () => {
  const id = await operationIn('succeeded', RunState.SUCCESS);
  const retried = await h.admin.request(RetryOperationDocument, { id });
  expect(retried.errors).toBeUndefined();
  expect(retried.data!.retryOperation).toMatchObject({ operations: [], userErrors: [{ field: 'id', code: 'NOT_ALLOWED' }] });
  const cancelled = await h.admin.request(CancelOperationDocument, { id });
  expect(cancelled.errors).toBeUndefined();
  expect(cancelled.data!.cancelOperation.userErrors).toEqual([expect.objectContaining({ field: 'id', code: 'NOT_ALLOWED' })]);
  expect(await h.orm.em.fork().count(Operation, { objectLabel: 'succeeded' })).toBe(1);
});

test('a failed operation is retried once at a time: a second retry while the first is pending is refused', async () => {
  const id = await operationIn('failed', RunState.FAILURE);
  const first = await h.admin.data(RetryOperationDocument, { id });
  expect(first.retryOperation.userErrors).toEqual([]);
  expect(first.retryOperation.operations.map((o) => o.retryOf?.id)).toEqual([id]);
  const second = await h.admin.data(RetryOperationDocument, { id });
  expect(second.retryOperation.userErrors).toEqual([expect.objectContaining({ field: 'id', code: 'NOT_ALLOWED' })]);
  expect(second.retryOperation.userErrors[0].message).toMatch(/already being retried/);
  expect(await h.orm.em.fork().count(Operation, { objectLabel: 'failed' })).toBe(2);
  // Once the retry has ended (failed again), the operation can be retried again.
  const retry = await h.orm.em.fork().findOneOrFail(Operation, { objectLabel: 'failed', retryOf: { $ne: null } });
  await h.orm.em.fork().nativeUpdate(Operation, { id: retry.id }, { state: RunState.FAILURE });
  expect((await h.admin.data(RetryOperationDocument, { id })).retryOperation.userErrors).toEqual([]);
});

test('unknown, hidden and malformed ids are userErrors naming the argument, in every kind of mutation', async () => {
  const unknown = (type: string) => Buffer.from(`${type}:999999`).toString('base64url');
  const other = await accountWithUser(h.admin, 'outsider');
  const calls = [
    h.admin.request(RetryOperationDocument, { id: unknown('Operation') }),
    h.admin.request(CancelOperationDocument, { id: 'not-an-id' }),
    h.admin.request(DeleteServerDocument, { id: unknown('Server') }),
    h.admin.request(SyncServerDocument, { serverId: unknown('Server') }),
    h.admin.request(DisableAccountDocument, { id: serverId }),
    h.admin.request(UpdateAccountDocument, { input: { id: unknown('Account'), fullName: 'x' } }),
    // Another account's object is as unknown as one that does not exist.
    other.client.request(UpdateAccountDocument, { input: { id: Buffer.from('Account:1').toString('base64url'), fullName: 'x' } }),
    other.client.request(RevokeApiTokenDocument, { id: unknown('ApiToken') }),
  ];
  const answers = [];
  for (const result of await Promise.all(calls)) {
    expect(result.errors).toBeUndefined();
    const payload = Object.values(result.data as Record<string, { userErrors: { field: string; code: string }[] }>)[0];
    answers.push(payload.userErrors.map((e) => `${e.field} ${e.code}`));
  }
  expect(answers).toEqual([
    ['id NOT_FOUND'], ['id INVALID'], ['id NOT_FOUND'], ['serverId NOT_FOUND'], ['id INVALID'], ['input.id NOT_FOUND'],
    ['input.id NOT_FOUND'], ['id NOT_FOUND'],
  ]);
});

test('an account user asking for an admin-only field gets the rest of the answer, that field null and one FORBIDDEN error', async () => {
  const { account, client } = await accountWithUser(h.admin, 'nosy');
  const result = await client.request(AccountCommentsDocument, { id: account.id });
  expect(result.data).toEqual({ account: { id: account.id, comments: null } });
  expect(result.errors).toEqual([expect.objectContaining({ path: ['account', 'comments'], extensions: { code: 'FORBIDDEN', reason: 'FORBIDDEN' } })]);
  expect((await h.admin.data(AccountCommentsDocument, { id: account.id })).account.comments).toBe('');
});

/**
 * What system-user and crontab mutations write to the outbox: Operation and ScriptRun rows only where a route
 * selects a server, in the same transaction as the change; nothing for a rejected or empty change. The harness runs
 * no worker, so nothing executes: these tests read the rows and the rendered scripts.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Batch } from '../src/entities/orchestration/batch.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import { idOf } from '../src/schema/relay/global-id.js';
import {
  CreateCrontabDocument, CreateSystemUserDocument, DeleteCrontabDocument, DeleteSystemUserDocument, DisableSystemUserDocument,
  UpdateCrontabDocument, UpdateSystemUserDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { mainSystemUser } from './support/service-fixtures.js';

const PASSWORD = 'opS-passw0rd $(touch /tmp/pwn)';

let h: ApiHarness;
let client: GraphQLClient;
let accountId: string;

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'opsco');
  client = a.client;
  accountId = a.account.id;
  await mainSystemUser(h.orm, accountId);
});
afterAll(() => h?.close());

/** Rows written since `since` (an Operation id), with their server's name and their script. */
async function operationsSince(since: string) {
  const em = h.orm.em.fork();
  const ops = await em.find(Operation, { id: { $gt: since } }, { populate: ['server', 'run'], orderBy: { id: 'asc' } });
  return ops.map((op) => ({
    server: op.server.getEntity().name,
    backend: op.backend,
    action: op.action,
    model: op.model,
    objectId: op.objectId,
    accountUsername: op.accountUsername,
    snapshot: op.snapshot,
    runId: op.run.id,
    script: op.run.getEntity().script,
  }));
}

async function lastOperationId(): Promise<string> {
  const last = await h.orm.em.fork().findOne(Operation, { id: { $gt: '0' } }, { orderBy: { id: 'desc' } });
  return last?.id ?? '0';
}

test('without a route nothing is written to the outbox', async () => {
  const em = h.orm.em.fork();
  const before = { batches: await em.count(Batch), operations: await em.count(Operation), runs: await em.count(ScriptRun) };
  const created = await client.data(CreateSystemUserDocument, { input: { accountId, username: 'noroute', password: PASSWORD } });
  expect(created.createSystemUser.userErrors).toEqual([]);
  await client.data(CreateCrontabDocument, { input: { systemUserId: created.createSystemUser.systemUser!.id, command: 'true' } });
  await client.data(DeleteSystemUserDocument, { id: created.createSystemUser.systemUser!.id });
  expect({ batches: await em.count(Batch), operations: await em.count(Operation), runs: await em.count(ScriptRun) }).toEqual(before);
});

test('with routes: operations per selected server, scripts with the username quoted, never the password', async () => {
  const em = h.orm.em.fork();
  const web1 = em.create(Server, { name: 'web1', address: '192.0.2.1' });
  const shell1 = em.create(Server, { name: 'shell1', address: '192.0.2.2' });
  em.create(Route, { backend: 'system-users', server: web1, match: '' });
  em.create(Route, { backend: 'crontabs', server: web1, match: '' });
  em.create(Route, { backend: 'system-users', server: shell1, match: 'systemuser.shell == "/bin/bash"' });
  await em.flush();

  // Create: only web1's route matches a user without a shell.
  let since = await lastOperationId();
  const created = await client.data(CreateSystemUserDocument, { input: { accountId, username: 'opsuser', password: PASSWORD } });
  expect(created.createSystemUser.userErrors).toEqual([]);
  const userId = created.createSystemUser.systemUser!.id;
  const objectId = idOf('SystemUser', userId);
  let ops = await operationsSince(since);
  expect(ops).toEqual([
    expect.objectContaining({ server: 'web1', backend: 'system-users', action: 'save', model: 'SystemUser', objectId, accountUsername: 'opsco' }),
  ]);
  const hash = (ops[0].snapshot as { passwordHash: string }).passwordHash;
  expect(hash).toMatch(/^\$6\$/);
  expect(ops[0].script).toContain("save_user 'opsuser' '/home/opsuser' '/dev/null' 'active'");
  expect(ops[0].script).toContain(`'${hash}'`);
  const allText = JSON.stringify(await h.orm.em.fork().find(Operation, {})) + JSON.stringify(await h.orm.em.fork().find(ScriptRun, {}));
  expect(allText).not.toContain(PASSWORD);
  expect(allText).not.toContain('opS-passw0rd');

  // Becoming a shell user: now both servers get it.
  since = await lastOperationId();
  await client.data(UpdateSystemUserDocument, { input: { id: userId, shell: 'BASH' } });
  ops = await operationsSince(since);
  expect(ops.map((o) => `${o.server}:${o.backend}:${o.action}`).sort()).toEqual(['shell1:system-users:save', 'web1:system-users:save']);
  for (const op of ops) expect(op.script).toContain("save_user 'opsuser' '/home/opsuser' '/bin/bash'");

  // A change that changes nothing, and a rejected change, write nothing.
  since = await lastOperationId();
  const same = await client.data(UpdateSystemUserDocument, { input: { id: userId, shell: 'BASH', groups: [] } });
  expect(same.updateSystemUser.userErrors).toEqual([]);
  const rejected = await client.data(UpdateSystemUserDocument, { input: { id: userId, home: '/home/opsco/x' } });
  expect(rejected.updateSystemUser.userErrors).toHaveLength(1);
  expect(await operationsSince(since)).toEqual([]);

  // A crontab line: the crontabs backend, the whole crontab of the user, installed for the quoted username.
  since = await lastOperationId();
  const line = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, minute: '*/5', command: "echo 'it''s' $(date +%s)", description: 'tick' } });
  expect(line.createCrontab.userErrors).toEqual([]);
  ops = await operationsSince(since);
  expect(ops).toEqual([expect.objectContaining({ server: 'web1', backend: 'crontabs', action: 'save', model: 'Crontab' })]);
  expect(ops[0].script).toContain("install_crontab 'opsuser'");
  expect(ops[0].snapshot).toMatchObject({ systemUsername: 'opsuser', entries: [expect.objectContaining({ command: "echo 'it''s' $(date +%s)" })] });

  // Deactivating the line rewrites the crontab without it.
  since = await lastOperationId();
  await client.data(UpdateCrontabDocument, { input: { id: line.createCrontab.crontab!.id, isActive: false } });
  ops = await operationsSince(since);
  expect(ops).toEqual([expect.objectContaining({ backend: 'crontabs', action: 'save', snapshot: expect.objectContaining({ entries: [] }) })]);
  await client.data(UpdateCrontabDocument, { input: { id: line.createCrontab.crontab!.id, isActive: true } });

  // Disabling the user saves it (locked) on both servers and re-renders its crontab (kept as comments).
  since = await lastOperationId();
  await client.data(DisableSystemUserDocument, { id: userId });
  ops = await operationsSince(since);
  expect(ops.map((o) => `${o.server}:${o.backend}:${o.action}`).sort()).toEqual(['shell1:system-users:save', 'web1:crontabs:save', 'web1:system-users:save']);
  for (const op of ops) expect(op.snapshot).toMatchObject({ isActive: false });
  expect(ops.find((o) => o.backend === 'system-users')!.script).toContain("'disabled'");

  // Deleting the user deletes its crontab first (its own operation), then the user, on every server that has it.
  since = await lastOperationId();
  const deleted = await client.data(DeleteSystemUserDocument, { id: userId });
  expect(deleted.deleteSystemUser.userErrors).toEqual([]);
  ops = await operationsSince(since);
  expect(ops.map((o) => `${o.server}:${o.backend}:${o.action}`).sort()).toEqual(['shell1:system-users:delete', 'web1:crontabs:delete', 'web1:system-users:delete']);
  const web1Ops = ops.filter((o) => o.server === 'web1');
  const cronRun = web1Ops.find((o) => o.backend === 'crontabs')!;
  const userRun = web1Ops.find((o) => o.backend === 'system-users')!;
  expect(Number(cronRun.runId)).toBeLessThan(Number(userRun.runId)); // queue order: the crontab goes before its user
  expect(cronRun.script).toContain("remove_crontab 'opsuser'");
  expect(userRun.script).toContain("delete_user 'opsuser' '/home/opsuser'");
});

test('deleting a single crontab line rewrites (or removes) the crontab of its user', async () => {
  const created = await client.data(CreateSystemUserDocument, { input: { accountId, username: 'opscron' } });
  const userId = created.createSystemUser.systemUser!.id;
  const a = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'echo a' } });
  await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'echo b' } });
  let since = await lastOperationId();
  await client.data(DeleteCrontabDocument, { id: a.createCrontab.crontab!.id });
  const ops = await operationsSince(since);
  expect(ops).toEqual([expect.objectContaining({ backend: 'crontabs', action: 'delete', objectId: idOf('Crontab', a.createCrontab.crontab!.id) })]);
  expect(ops[0].script).toContain("install_crontab 'opscron'");
  expect(ops[0].script).toContain('echo b');
  expect(ops[0].script).not.toContain('echo a');

  since = await lastOperationId();
  const rejected = await client.data(CreateCrontabDocument, { input: { systemUserId: userId, command: 'echo a\ntouch /tmp/pwn' } });
  expect(rejected.createCrontab.userErrors).toHaveLength(1);
  expect(await operationsSince(since)).toEqual([]);
});

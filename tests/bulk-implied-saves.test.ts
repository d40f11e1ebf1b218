/**
 * One mutation touching many objects on one server (issue 17): an account with many crontab lines over two system
 * users disabled, enabled again, and its server synchronised. Each is one script per backend on the server and one
 * operation per object that renders a configuration of its own (a user; a user's whole crontab, not each line of it),
 * however many lines there are; and every line on the real host ends commented out, then restored.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { createCrontab } from '../src/services/crontabs/crontab.use-cases.js';
import { systemActor } from '../src/use-cases/actor.js';
import { runUseCase } from '../src/use-cases/run-use-case.js';
import { CreateAccountDocument, DisableAccountDocument, EnableAccountDocument, SyncServerDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { expectedCrontab, hostCrontab } from './support/resilience.js';
import { mainSystemUser, systemUserFor } from './support/service-fixtures.js';

const LINES_PER_USER = 40;

let h: OrchestraHarness;
let accountId: string;
let users: { id: string; username: string }[];
beforeAll(async () => {
  h = await startOrchestraHarness(['bulkhost']);
  await h.startWorker();
  await h.addServer('bulkhost', ['system-users', 'crontabs']);
  accountId = (await h.admin.data(CreateAccountDocument, { input: { username: 'blk', type: 'INDIVIDUAL' } })).createAccount.account!.id;
  users = [await mainSystemUser(h.orm, accountId), await systemUserFor(h.admin, accountId, 'blk_two')];
  // Every line in one commit (one batch): what is measured here is the commits below.
  const created = await runUseCase(h.orm.em.fork(), systemActor('test'), 'createCrontabs', async (uc) => {
    for (const user of users) {
      for (let i = 0; i < LINES_PER_USER; i++) await createCrontab(uc, { systemUserId: user.id, minute: String(i), command: `echo ${user.username}-${i}` });
    }
  });
  expect(created.userErrors).toEqual([]);
  await h.settle({}, 3, 180_000);
}, 300_000);
afterAll(() => h?.close());

const lastOperationId = async () => (await h.orm.em.fork().find(Operation, {}, { orderBy: { id: 'desc' }, limit: 1 }))[0].id;

/** The operations written after `since` (one commit's: nothing else runs here), once final, and how many scripts ran them. */
async function settledSince(since: string) {
  const ops = await h.settle({ id: { $gt: since } }, 1, 180_000);
  return { operations: ops.map((o) => [o.backend, o.model, o.state]).sort(), scripts: new Set(ops.map((o) => o.run.id)).size };
}

/** Each user's crontab on the host: as the database renders it, and its lines that would run (not comments). */
async function crontabsOnHost() {
  return Promise.all(
    users.map(async (user) => {
      const onHost = await hostCrontab(h.hosts.bulkhost, user.username);
      return { user: user.username, asExpected: onHost === (await expectedCrontab(h, user.username)), running: onHost.split('\n').filter((l) => l && !l.startsWith('#')).length };
    }),
  );
}

const perObject = (state: RunState) => [
  ['crontabs', 'Crontab', state],
  ['crontabs', 'Crontab', state],
  ['system-users', 'SystemUser', state],
  ['system-users', 'SystemUser', state],
];

test(`an account with ${2 * LINES_PER_USER} crontab lines disabled, enabled and synchronised: one script per backend, one operation per user and per crontab, every line right on the host`, async () => {
  expect(await crontabsOnHost()).toEqual(users.map((u) => ({ user: u.username, asExpected: true, running: LINES_PER_USER })));

  let since = await lastOperationId();
  expect((await h.admin.data(DisableAccountDocument, { id: accountId })).disableAccount.userErrors).toEqual([]);
  expect(await settledSince(since)).toEqual({ operations: perObject(RunState.SUCCESS), scripts: 2 });
  expect(await crontabsOnHost()).toEqual(users.map((u) => ({ user: u.username, asExpected: true, running: 0 })));

  since = await lastOperationId();
  expect((await h.admin.data(EnableAccountDocument, { id: accountId })).enableAccount.userErrors).toEqual([]);
  expect(await settledSince(since)).toEqual({ operations: perObject(RunState.SUCCESS), scripts: 2 });
  expect(await crontabsOnHost()).toEqual(users.map((u) => ({ user: u.username, asExpected: true, running: LINES_PER_USER })));

  since = await lastOperationId();
  expect((await h.admin.data(SyncServerDocument, { serverId: h.serverIds.bulkhost, backend: null })).syncServer.userErrors).toEqual([]);
  expect(await settledSince(since)).toEqual({ operations: perObject(RunState.SUCCESS), scripts: 2 });
  expect(await crontabsOnHost()).toEqual(users.map((u) => ({ user: u.username, asExpected: true, running: LINES_PER_USER })));
}, 600_000);

/**
 * Dry runs return a plan, marked as one: objects they would create have no id (they were never saved), and they
 * take no id from the tables' sequences (the next real object does not skip one).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { AuditEntry } from '../src/entities/audit/audit-entry.js';
import { Account } from '../src/entities/accounts/account.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import {
  CreateAccountDocument, CreateAccountPlanDocument, CreateCrontabPlanDocument, CreateSystemUserPlanDocument,
  UpdateAccountPlanDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;
let accountId: string;
let mainUserId: string;
beforeAll(async () => {
  h = await startApiHarness();
  // Routes, so the changes have plans; no worker runs anything.
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'web1', address: '127.0.0.1', sshPort: 1 });
  em.create(Route, { backend: 'system-users', server });
  em.create(Route, { backend: 'crontabs', server });
  await em.flush();
  accountId = (await h.admin.data(CreateAccountDocument, { input: { username: 'planner' } })).createAccount.account!.id;
  mainUserId = (await h.orm.em.fork().findOneOrFail(SystemUser, { username: 'planner' })).id;
});
afterAll(() => h?.close());

/** The last value of each table sequence a dry run could take ids from. */
async function sequences(): Promise<Record<string, string>> {
  const rows = await h.orm.em.fork().getConnection().execute(
    `select sequencename as name, coalesce(last_value, 0)::text as value from pg_sequences
      where sequencename in ('account_id_seq', 'user_id_seq', 'system_user_id_seq', 'crontab_id_seq')`,
  );
  return Object.fromEntries((rows as { name: string; value: string }[]).map((r) => [r.name, r.value]));
}

const dbId = (globalId: string) => BigInt(Buffer.from(globalId, 'base64url').toString().split(':')[1]);

test('createAccount with dryRun says it is a plan, gives no id and takes none from the sequences', async () => {
  const before = await sequences();
  const planned = await h.admin.data(CreateAccountPlanDocument, { input: { username: 'dreamer', password: 'a long password' } });
  expect(planned.createAccount).toMatchObject({ dryRun: true, account: null, userErrors: [] });
  // The plan names what it would create, without an id for objects never saved.
  expect(planned.createAccount.plan).toEqual([
    { serverName: 'web1', backend: 'system-users', operations: [{ action: 'save', model: 'SystemUser', objectId: null, objectLabel: 'dreamer' }] },
  ]);
  expect(await sequences()).toEqual(before);
  // The next real account takes the next id, as if the dry run had not happened.
  const previous = dbId(accountId);
  const real = await h.admin.data(CreateAccountDocument, { input: { username: 'doer' } });
  expect(dbId(real.createAccount.account!.id)).toBe(previous + 1n);
  // The audit log records the dry run, without an id of an object that never existed.
  const entry = await h.orm.em.fork().findOneOrFail(AuditEntry, { operation: 'createAccount (dry run)' });
  expect([entry.accountUsername, entry.account, entry.objectIds]).toEqual(['dreamer', null, []]);
});

test('createSystemUser and createCrontab dry runs give no id and take none from the sequences', async () => {
  const before = await sequences();
  const user = await h.admin.data(CreateSystemUserPlanDocument, { input: { accountId, username: 'planweb' } });
  expect(user.createSystemUser).toMatchObject({ dryRun: true, systemUser: null, userErrors: [] });
  expect(user.createSystemUser.plan!.flatMap((p) => p.operations.map((o) => [o.objectLabel, o.objectId]))).toEqual([['planweb', null]]);
  const systemUserId = Buffer.from(`SystemUser:${mainUserId}`).toString('base64url');
  const crontab = await h.admin.data(CreateCrontabPlanDocument, { input: { systemUserId, command: 'echo planned' } });
  expect(crontab.createCrontab).toMatchObject({ dryRun: true, crontab: null, userErrors: [] });
  expect(crontab.createCrontab.plan!.map((p) => p.backend)).toEqual(['crontabs']);
  expect(await sequences()).toEqual(before);
});

test('a dry run of a change to an existing object returns it, marked as a plan, and saves nothing', async () => {
  const planned = await h.admin.data(UpdateAccountPlanDocument, { input: { id: accountId, fullName: 'Planned Name' } });
  expect(planned.updateAccount).toMatchObject({ dryRun: true, account: { id: accountId, fullName: 'Planned Name' }, userErrors: [] });
  expect((await h.orm.em.fork().findOneOrFail(Account, { username: 'planner' })).fullName).toBe('');
});

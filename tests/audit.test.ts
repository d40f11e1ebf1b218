/** The audit log: every mutation recorded with who, what, where and outcome; never secrets; scoped for account users. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { AuditEntry } from '../src/entities/audit/audit-entry.js';
import {
  AuditLogDocument, CreateAccountDocument, CreateApiTokenDocument, LoginDocument, UpdateAccountDocument, UpdateContactDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser, contactFor, PASSWORD } from './support/fixtures.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

test('a mutation is recorded with actor, account, objects, changed fields, outcome and origin', async () => {
  const { account, client } = await accountWithUser(h.admin, 'auditco');
  const contact = await contactFor(client, account.id, 'Ann');
  await client.data(UpdateContactDocument, { input: { id: contact.id, fullName: 'Ann Example', phone: contact.phone } });
  const log = await h.admin.data(AuditLogDocument, { first: 5, filter: { operation: 'updateContact' } });
  expect(log.auditLog.nodes[0]).toMatchObject({
    actor: 'auditco',
    accountUsername: 'auditco',
    operation: 'updateContact',
    objectIds: [contact.id],
    changedFields: ['fullName'],
    outcome: 'OK',
    clientAddress: expect.stringMatching(/127\.0\.0\.1/),
  });
});

test('rejected and failed mutations are recorded too; failed logins record the attempted name', async () => {
  await h.admin.data(CreateAccountDocument, { input: { username: 'Bad Name' } });
  await h.client.data(LoginDocument, { input: { username: 'nobody', password: 'whatever whatever' } });
  const rejected = await h.admin.data(AuditLogDocument, { first: 5, filter: { operation: 'createAccount', outcome: 'REJECTED' } });
  expect(rejected.auditLog.nodes[0]).toMatchObject({ actor: 'admin', changedFields: ['username'] });
  const login = await h.admin.data(AuditLogDocument, { first: 5, filter: { operation: 'login', actor: 'nobody' } });
  expect(login.auditLog.nodes[0]).toMatchObject({ outcome: 'REJECTED', accountUsername: null });
});

test('secrets never reach the audit log', async () => {
  await h.admin.data(CreateAccountDocument, { input: { username: 'secretco', password: 'super secret password 1' } });
  await h.client.data(LoginDocument, { input: { username: 'secretco', password: 'super secret password 1' } });
  const rows = await h.orm.em.fork().find(AuditEntry, {});
  const text = JSON.stringify(rows);
  expect(text).not.toContain('super secret password 1');
  const created = rows.find((r) => r.operation === 'createAccount' && r.accountUsername === 'secretco')!;
  expect(created.changedFields).toEqual(['username', 'password (secret)']);
  const { client } = await accountWithUser(h.admin, 'tokaudit');
  const token = (await client.data(CreateApiTokenDocument, { input: { name: 't' } })).createApiToken.token!;
  // The secret is everything after `orc_<prefix>_`: base64url, so it may itself hold "_" (split('_')[2] then took a
  // fragment of it, as short as "rt", which the entries' own text contained).
  const secret = token.slice(token.indexOf('_', 'orc_'.length) + 1);
  expect(secret).toHaveLength(43);
  expect(JSON.stringify(await h.orm.em.fork().find(AuditEntry, {}))).not.toContain(secret);
});

test('calls with an API token name the token; account users see only their own account\'s entries', async () => {
  const a = await accountWithUser(h.admin, 'logalpha');
  const b = await accountWithUser(h.admin, 'logbravo');
  const token = (await a.client.data(CreateApiTokenDocument, { input: { name: 'ci' } })).createApiToken.token!;
  await h.client.as(token).data(UpdateAccountDocument, { input: { id: a.account.id, fullName: 'via token' } });
  const row = await h.orm.em.fork().findOneOrFail(AuditEntry, { operation: 'updateAccount', accountUsername: 'logalpha' });
  expect(row.apiTokenId).not.toBeNull();
  await b.client.data(UpdateAccountDocument, { input: { id: b.account.id, fullName: 'bravo' } });

  const seenByA = await a.client.data(AuditLogDocument, { first: 100 });
  expect(new Set(seenByA.auditLog.nodes.map((n) => n.accountUsername))).toEqual(new Set(['logalpha']));
  const filtered = await a.client.data(AuditLogDocument, { first: 100, filter: { accountId: b.account.id } });
  expect(filtered.auditLog.totalCount).toBe(0);
  const seenByAdmin = await h.admin.data(AuditLogDocument, { first: 100, filter: { accountId: b.account.id } });
  expect(seenByAdmin.auditLog.nodes.map((n) => n.operation)).toContain('updateAccount');
  const since = await h.admin.data(AuditLogDocument, { first: 100, filter: { since: new Date(Date.now() + 60_000).toISOString() } });
  expect(since.auditLog.totalCount).toBe(0);
});

test('the login of a user is recorded with its account', async () => {
  await accountWithUser(h.admin, 'loginaudit');
  await h.client.data(LoginDocument, { input: { username: 'loginaudit', password: PASSWORD } });
  const log = await h.admin.data(AuditLogDocument, { first: 1, filter: { operation: 'login', actor: 'loginaudit' } });
  expect(log.auditLog.nodes[0]).toMatchObject({ outcome: 'OK', accountUsername: 'loginaudit' });
});

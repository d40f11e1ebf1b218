/** Login, session tokens and API tokens over real HTTP. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ApiToken } from '../src/entities/auth/api-token.js';
import { LoginAttempt } from '../src/entities/auth/login-attempt.js';
import { User } from '../src/entities/auth/user.js';
import { issueSessionToken } from '../src/auth/session-token.js';
import { idOf } from '../src/schema/relay/global-id.js';
import {
  ApiTokensDocument, ChangePasswordDocument, CreateApiTokenDocument, DisableAccountDocument, EnableAccountDocument,
  LoginDocument, MeDocument, RevokeApiTokenDocument, SetUserPasswordDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { BAD_PASSWORDS, GOOD_PASSWORDS, accountWithUser, outcome, PASSWORD } from './support/fixtures.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

test('login returns a short-lived token that identifies the user', async () => {
  const { client } = await accountWithUser(h.admin, 'loginco');
  const me = await client.data(MeDocument);
  expect(me.me).toMatchObject({ username: 'loginco', isAdmin: false, account: { username: 'loginco' } });
  expect(me.me.lastLoginAt).toBeTruthy();
  const login = await h.client.data(LoginDocument, { input: { username: 'loginco', password: PASSWORD } });
  const ttl = new Date(login.login.expiresAt!).getTime() - Date.now();
  expect(ttl).toBeGreaterThan(3500_000);
  expect(ttl).toBeLessThanOrEqual(3600_000);
});

test('a failed login looks the same whether or not the user exists', async () => {
  await accountWithUser(h.admin, 'realuser');
  const wrongPassword = await h.client.data(LoginDocument, { input: { username: 'realuser', password: 'wrong password!' } });
  const noSuchUser = await h.client.data(LoginDocument, { input: { username: 'ghostuser', password: 'wrong password!' } });
  expect(wrongPassword.login.token).toBeNull();
  expect(wrongPassword.login).toEqual(noSuchUser.login);
  expect(wrongPassword.login.userErrors).toEqual([{ field: 'input', message: 'Invalid username or password', code: 'INVALID' }]);
});

const forgetLoginAttempts = () => h.orm.em.fork().nativeDelete(LoginAttempt, {});

test('a password that is not printable text, or out of bounds, is refused wherever it is set; at login it matches no one', async () => {
  const { client, userId } = await accountWithUser(h.admin, 'printco');
  const hash = async () => (await h.orm.em.fork().findOneOrFail(User, { id: idOf('User', userId) })).passwordHash;
  const before = await hash();
  for (const password of BAD_PASSWORDS) {
    const changed = await client.data(ChangePasswordDocument, { input: { currentPassword: PASSWORD, newPassword: password } });
    expect([password, changed.changePassword.userErrors]).toEqual([password, [expect.objectContaining({ field: 'input.newPassword', code: 'INVALID' })]]);
    const set = await h.admin.data(SetUserPasswordDocument, { input: { userId, password } });
    expect([password, set.setUserPassword.userErrors]).toEqual([password, [expect.objectContaining({ field: 'input.password', code: 'INVALID' })]]);
    // Each refused login counts towards the log-in throttle (tests/login-throttle.test.ts): start each from none.
    await forgetLoginAttempts();
    const login = await h.client.data(LoginDocument, { input: { username: 'printco', password } });
    expect(login.login.userErrors).toEqual([{ field: 'input', message: 'Invalid username or password', code: 'INVALID' }]);
  }
  await forgetLoginAttempts();
  expect(await hash()).toBe(before);
  // The right password with a line break after it is not the right password.
  const withNewline = await h.client.data(LoginDocument, { input: { username: 'printco', password: `${PASSWORD}\n` } });
  expect(withNewline.login.token).toBeNull();
  for (const password of GOOD_PASSWORDS) {
    expect((await h.admin.data(SetUserPasswordDocument, { input: { userId, password } })).setUserPassword.userErrors).toEqual([]);
    expect((await h.client.data(LoginDocument, { input: { username: 'printco', password } })).login.token).toBeTruthy();
  }
});

test('bad, tampered and expired tokens are UNAUTHENTICATED with HTTP 401', async () => {
  const { userId } = await accountWithUser(h.admin, 'tokenco');
  const user = await h.orm.em.fork().findOneOrFail(User, { username: 'tokenco' });
  expect(userId).toBeTruthy();
  const expired = issueSessionToken(h.config.tokenSecret, user, 60, Date.now() - 120_000).token;
  const forged = issueSessionToken('another-secret-another-secret-another', user, 3600).token;
  for (const token of [expired, forged, 'garbage', 'orc_aaaaaaaaaaaa_' + 'x'.repeat(43)]) {
    const result = await h.client.as(token).request(MeDocument);
    expect(result.status).toBe(401);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  }
  const result = await h.client.request(MeDocument);
  expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

test('API tokens: shown once, stored hashed, work as credentials, record last use, revocable', async () => {
  const { client } = await accountWithUser(h.admin, 'robotco');
  const created = await client.data(CreateApiTokenDocument, { input: { name: 'deploy bot', expiresInDays: 30 } });
  const token = created.createApiToken.token!;
  expect(token).toMatch(/^orc_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const row = await h.orm.em.fork().findOneOrFail(ApiToken, { name: 'deploy bot' });
  expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
  expect(JSON.stringify(row)).not.toContain(token.slice('orc_'.length + 12 + 1));

  const bot = h.client.as(token);
  expect((await bot.data(MeDocument)).me.username).toBe('robotco');
  const listed = await client.data(ApiTokensDocument, { first: 10 });
  expect(listed.apiTokens.nodes).toEqual([expect.objectContaining({ name: 'deploy bot', prefix: token.split('_')[1], revokedAt: null })]);
  expect(listed.apiTokens.nodes[0].lastUsedAt).toBeTruthy();
  expect(listed.apiTokens.nodes[0].lastUsedFrom).toMatch(/127\.0\.0\.1/);
  expect(JSON.stringify(listed)).not.toContain(token);

  const revoked = await client.data(RevokeApiTokenDocument, { id: created.createApiToken.apiToken!.id });
  expect(revoked.revokeApiToken.apiToken!.revokedAt).toBeTruthy();
  const after = await bot.request(MeDocument);
  expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

test('another account cannot see or revoke my API tokens', async () => {
  const mine = await accountWithUser(h.admin, 'tokmine');
  const other = await accountWithUser(h.admin, 'tokother');
  const created = await mine.client.data(CreateApiTokenDocument, { input: { name: 'mine' } });
  expect((await other.client.data(ApiTokensDocument, { first: 10 })).apiTokens.totalCount).toBe(0);
  expect(outcome(await other.client.request(RevokeApiTokenDocument, { id: created.createApiToken.apiToken!.id }))).toBe('NOT_FOUND');
  const row = await h.orm.em.fork().findOneOrFail(ApiToken, { name: 'mine' });
  expect(row.revokedAt).toBeNull();
});

test('API token input is validated', async () => {
  const { client } = await accountWithUser(h.admin, 'tokval');
  const result = await client.data(CreateApiTokenDocument, { input: { name: '', expiresInDays: 0 } });
  expect(result.createApiToken.token).toBeNull();
  expect(result.createApiToken.userErrors.map((e) => e.field).sort()).toEqual(['input.expiresInDays', 'input.name']);
  expect(await h.orm.em.fork().count(ApiToken, { account: { username: 'tokval' } })).toBe(0);
});

test('changePassword needs the current password; admins can set any user\'s', async () => {
  const { client, userId } = await accountWithUser(h.admin, 'pwco');
  const wrong = await client.data(ChangePasswordDocument, { input: { currentPassword: 'nope nope nope', newPassword: 'a new long password' } });
  expect(wrong.changePassword.userErrors[0].field).toBe('input.currentPassword');
  const ok = await client.data(ChangePasswordDocument, { input: { currentPassword: PASSWORD, newPassword: 'a new long password' } });
  expect(ok.changePassword.userErrors).toEqual([]);
  expect((await h.client.data(LoginDocument, { input: { username: 'pwco', password: 'a new long password' } })).login.token).toBeTruthy();
  expect(outcome(await client.as(ok.changePassword.token).request(SetUserPasswordDocument, { input: { userId, password: 'admin set password' } }))).toBe('FORBIDDEN');
  const set = await h.admin.data(SetUserPasswordDocument, { input: { userId, password: 'admin set password' } });
  expect(set.setUserPassword.userErrors).toEqual([]);
  expect((await h.client.data(LoginDocument, { input: { username: 'pwco', password: 'admin set password' } })).login.token).toBeTruthy();
});

/** The `extensions.code` of `me` with a token, or 'ok' when it works. */
async function meWith(token: string): Promise<string> {
  const result = await h.client.as(token).request(MeDocument);
  return result.errors?.length ? `${result.status} ${String(result.errors[0].extensions?.code)}` : 'ok';
}

const login = async (username: string, password = PASSWORD) =>
  (await h.client.data(LoginDocument, { input: { username, password } })).login.token!;

test('changing a password ends every session of that user at once', async () => {
  const { client } = await accountWithUser(h.admin, 'sessco');
  const otherSession = await login('sessco');
  expect(await meWith(otherSession)).toBe('ok');
  const changed = await client.data(ChangePasswordDocument, { input: { currentPassword: PASSWORD, newPassword: 'a new long password' } });
  expect(changed.changePassword.userErrors).toEqual([]);
  expect([await meWith(client.token!), await meWith(otherSession)]).toEqual(['401 UNAUTHENTICATED', '401 UNAUTHENTICATED']);
  // The caller gets a new session with the change.
  expect(await meWith(changed.changePassword.token!)).toBe('ok');
  // An admin setting the password ends the sessions opened since, too.
  const { userId } = await accountWithUser(h.admin, 'sessco2');
  const session = await login('sessco2');
  await h.admin.data(SetUserPasswordDocument, { input: { userId, password: 'admin set password' } });
  expect(await meWith(session)).toBe('401 UNAUTHENTICATED');
  expect(await meWith(await login('sessco2', 'admin set password'))).toBe('ok');
});

test('disabling an account ends its users\' sessions; enabling it again does not bring them back', async () => {
  const { account, client } = await accountWithUser(h.admin, 'disco');
  await h.admin.data(DisableAccountDocument, { id: account.id });
  expect(await meWith(client.token!)).toBe('401 UNAUTHENTICATED');
  await h.admin.data(EnableAccountDocument, { id: account.id });
  expect(await meWith(client.token!)).toBe('401 UNAUTHENTICATED');
  expect(await meWith(await login('disco'))).toBe('ok');
});

test('a session is checked against its user as stored now: inactive user, inactive account, gone user, other generation', async () => {
  // Changed in the database directly, so the session generation stays what the token carries: each check on its own.
  const { account, client, userId } = await accountWithUser(h.admin, 'sesscheck');
  const user = idOf('User', userId);
  const accountId = idOf('Account', account.id);
  expect(await meWith(client.token!)).toBe('ok');
  await h.orm.em.fork().execute('update "user" set is_active = false where id = ?', [user]);
  expect(await meWith(client.token!)).toBe('401 UNAUTHENTICATED');
  await h.orm.em.fork().execute('update "user" set is_active = true where id = ?', [user]);
  await h.orm.em.fork().execute('update account set is_active = false where id = ?', [accountId]);
  expect(await meWith(client.token!)).toBe('401 UNAUTHENTICATED');
  await h.orm.em.fork().execute('update account set is_active = true where id = ?', [accountId]);
  expect(await meWith(client.token!)).toBe('ok');
  await h.orm.em.fork().execute('update "user" set session_generation = session_generation + 1 where id = ?', [user]);
  expect((await h.client.as(client.token!).request(MeDocument)).errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_ENDED' });
  const stored = await h.orm.em.fork().findOneOrFail(User, { id: user });
  const fresh = issueSessionToken(h.config.tokenSecret, stored, 600).token;
  // The viewer is the token's user, with its account and role.
  expect((await h.client.as(fresh).data(MeDocument)).me).toMatchObject({ username: 'sesscheck', isAdmin: false, account: { id: account.id } });
  await h.orm.em.fork().execute('delete from "user" where id = ?', [user]);
  expect(await meWith(fresh)).toBe('401 UNAUTHENTICATED');
});

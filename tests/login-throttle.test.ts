/**
 * Login throttling over real HTTP, counted in PostgreSQL: per username and per client address (the API trusts
 * X-Forwarded-For from loopback, so tests play several addresses).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { print } from 'graphql';
import { LoginAttempt } from '../src/entities/auth/login-attempt.js';
import { LoginDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser, PASSWORD } from './support/fixtures.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({
    ORCHESTRA_LOGIN_MAX_FAILURES_PER_USERNAME: '3',
    ORCHESTRA_LOGIN_MAX_FAILURES_PER_ADDRESS: '5',
    ORCHESTRA_LOGIN_FAILURE_WINDOW: '900',
  });
  for (const name of ['guessed', 'neighbour', 'racer', 'roamer']) await accountWithUser(h.admin, name);
});
afterAll(() => h?.close());

/** A login from `address`: its token, or the code of its userError. */
async function login(username: string, password: string, address: string): Promise<string> {
  const result = await h.client.raw<{ login: { token: string | null; userErrors: { code: string }[] } }>(
    { query: print(LoginDocument), variables: { input: { username, password } } },
    { 'x-forwarded-for': address },
  );
  const payload = result.data!.login;
  return payload.token ? 'token' : payload.userErrors[0].code;
}

test('after the failures allowed for a username, even its right password is refused with TOO_MANY_ATTEMPTS', async () => {
  for (let i = 0; i < 3; i++) expect(await login('guessed', 'wrong password!', '198.51.100.1')).toBe('INVALID');
  expect(await login('guessed', PASSWORD, '198.51.100.2')).toBe('TOO_MANY_ATTEMPTS');
  // An unknown username is throttled the same way: the answer tells nothing about who exists.
  for (let i = 0; i < 3; i++) await login('nobody-here', 'wrong password!', '198.51.100.3');
  expect(await login('nobody-here', 'wrong password!', '198.51.100.3')).toBe('TOO_MANY_ATTEMPTS');
  // Other users are not affected.
  expect(await login('neighbour', PASSWORD, '198.51.100.1')).toBe('token');
  // Once the failures are older than the window, the user logs in again, and that clears its failures.
  await h.orm.em.fork().nativeUpdate(LoginAttempt, { username: 'guessed' }, { createdAt: new Date(Date.now() - 901_000) });
  expect(await login('guessed', PASSWORD, '198.51.100.2')).toBe('token');
  expect(await h.orm.em.fork().count(LoginAttempt, { username: 'guessed' })).toBe(0);
});

test('after the failures allowed from an address, it is refused for every username; other addresses are not', async () => {
  const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
  for (const name of names) expect(await login(name, 'wrong password!', '203.0.113.9')).toBe('INVALID');
  expect(await login('roamer', PASSWORD, '203.0.113.9')).toBe('TOO_MANY_ATTEMPTS');
  expect(await login('roamer', PASSWORD, '203.0.113.10')).toBe('token');
});

test('concurrent guesses cannot get past the limit', async () => {
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login('racer', 'wrong password!', `192.0.2.${i + 1}`)));
  expect(answers.filter((a) => a === 'TOO_MANY_ATTEMPTS').length).toBeGreaterThanOrEqual(9);
  // Attempts refused while others were in flight are not counted; guessing on, one at a time, checks at most the rest.
  for (let i = 0; i < 4; i++) answers.push(await login('racer', 'wrong password!', `192.0.2.${50 + i}`));
  expect(answers.filter((a) => a === 'INVALID').length).toBe(3);
  expect(answers.at(-1)).toBe('TOO_MANY_ATTEMPTS');
  expect(await login('racer', PASSWORD, '192.0.2.100')).toBe('TOO_MANY_ATTEMPTS');
});

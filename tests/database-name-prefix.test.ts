/**
 * ORCHESTRA_DATABASE_NAME_PREFIX=account: every database and database user of an account is named `<account>_…`
 * ("." and "-" of the account's name as "_"); a name without the prefix gets it, one with it is kept.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { CreateDatabaseDocument, CreateDatabaseUserDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ ORCHESTRA_DATABASE_NAME_PREFIX: 'account' });
});
afterAll(() => h?.close());

test('names get the account prefix when they lack it', async () => {
  const { client, account } = await accountWithUser(h.admin, 'web-shop.eu');
  const user = await client.data(CreateDatabaseUserDocument, { input: { accountId: account.id, type: 'MARIADB', username: 'app', password: 'a long password' } });
  expect(user.createDatabaseUser.databaseUser!.username).toBe('web_shop_eu_app');
  const kept = await client.data(CreateDatabaseUserDocument, { input: { accountId: account.id, type: 'MARIADB', username: 'web_shop_eu_ro', password: 'a long password' } });
  expect(kept.createDatabaseUser.databaseUser!.username).toBe('web_shop_eu_ro');
  const db = await client.data(CreateDatabaseDocument, { input: { accountId: account.id, type: 'MARIADB', name: 'blog', userIds: [user.createDatabaseUser.databaseUser!.id] } });
  expect(db.createDatabase.database!.name).toBe('web_shop_eu_blog');
  // The prefixed name is what the rules check: too long with the prefix is too long.
  const long = await client.data(CreateDatabaseDocument, { input: { accountId: account.id, type: 'MARIADB', name: 'x'.repeat(60), userIds: [user.createDatabaseUser.databaseUser!.id] } });
  expect(long.createDatabase.userErrors.map((e) => `${e.field}:${e.code}`)).toEqual(['input.name:TOO_LONG']);
});

test('without the setting names are kept as given', async () => {
  const plain = await startApiHarness();
  try {
    const { client, account } = await accountWithUser(plain.admin, 'plainco');
    const user = await client.data(CreateDatabaseUserDocument, { input: { accountId: account.id, type: 'POSTGRESQL', username: 'app', password: 'a long password' } });
    expect(user.createDatabaseUser.databaseUser!.username).toBe('app');
  } finally {
    await plain.close();
  }
});

/**
 * Order descriptions in the account's language, through the real API: a service's description template renders its
 * values with the built-in words of the account's language (booleans, account types, the decimal separator), a
 * change of the account's language re-renders its orders in that commit, and a language Orchestra has no texts
 * for is written in English.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Order } from '../src/entities/billing/order.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { textLanguageOf } from '../src/i18n/languages.js';
import { CreateAccountDocument, CreateBillingServiceDocument, CreateResourceDocument, CreateSystemUserDocument, UpdateAccountDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { PASSWORD } from './support/fixtures.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

test('a description template renders in the account language; changing the language re-renders the orders', async () => {
  const disk = await h.admin.data(CreateResourceDocument, { input: { name: 'disk', model: 'SystemUser', aggregation: 'LAST', unit: 'GB', defaultAllocation: 2.5 } });
  expect(disk.createResource.userErrors).toEqual([]);
  const users = await h.admin.data(CreateBillingServiceDocument, {
    input: {
      description: 'FTP', model: 'SystemUser', nominalPrice: '1', match: 'not systemuser.isMain',
      orderDescription: '{systemuser.username}: {account.type}, {systemuser.isActive}, {resources.disk.allocated} GB',
    },
  });
  expect(users.createService.userErrors).toEqual([]);
  const accounts = await h.admin.data(CreateBillingServiceDocument, {
    input: { description: 'Membership', model: 'Account', nominalPrice: '1', orderDescription: 'Cuota {account.username} ({account.type}, {account.isActive})' },
  });
  expect(accounts.createService.userErrors).toEqual([]);

  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'pepe', password: PASSWORD, type: 'ASSOCIATION', language: 'es' } });
  expect(created.createAccount.userErrors).toEqual([]);
  const accountId = created.createAccount.account!.id;
  const user = await h.admin.data(CreateSystemUserDocument, { input: { accountId, username: 'pepeftp', shell: 'NOLOGIN' } });
  expect(user.createSystemUser.userErrors).toEqual([]);

  const descriptions = async () => {
    const orders = await h.orm.em.fork().find(Order, { account: idOf('Account', accountId), cancelledOn: null }, { orderBy: { model: 'asc' } });
    return orders.map((o) => o.description);
  };
  expect(await descriptions()).toEqual(['Cuota pepe (Asociación, sí)', 'pepeftp: Asociación, sí, 2,5 GB']);

  for (const [language, expected] of [
    ['ca', ['Cuota pepe (Associació, sí)', 'pepeftp: Associació, sí, 2,5 GB']],
    ['en', ['Cuota pepe (Association, yes)', 'pepeftp: Association, yes, 2.5 GB']],
    // German is a language an account may have, but Orchestra has no texts in it: English.
    ['de', ['Cuota pepe (Association, yes)', 'pepeftp: Association, yes, 2.5 GB']],
    ['es', ['Cuota pepe (Asociación, sí)', 'pepeftp: Asociación, sí, 2,5 GB']],
  ] as const) {
    const updated = await h.admin.data(UpdateAccountDocument, { input: { id: accountId, language } });
    expect(updated.updateAccount.userErrors).toEqual([]);
    expect(await descriptions()).toEqual(expected);
  }
});

test('texts are in English, Spanish and Catalan; any other language is written in English', () => {
  expect(['en', 'es', 'ca', 'ES', 'de', 'fr', '', null].map(textLanguageOf)).toEqual(['en', 'es', 'ca', 'es', 'en', 'en', 'en', 'en']);
});

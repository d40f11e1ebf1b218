/** Accounts, contacts and bill contacts over real HTTP: validation rejects with userErrors and writes nothing. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Account } from '../src/entities/accounts/account.js';
import { BillContact } from '../src/entities/accounts/bill-contact.js';
import { Contact } from '../src/entities/accounts/contact.js';
import { User } from '../src/entities/auth/user.js';
import {
  AccountsDocument, CreateAccountDocument, CreateContactDocument, DeleteAccountDocument, DisableAccountDocument,
  EnableAccountDocument, LoginDocument, SetBillContactDocument, UpdateAccountDocument, UpdateContactDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { BAD_PASSWORDS, GOOD_PASSWORDS, accountWithUser, contactFor, PASSWORD } from './support/fixtures.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

const counts = async () => {
  const em = h.orm.em.fork();
  return { accounts: await em.count(Account), users: await em.count(User), contacts: await em.count(Contact), bills: await em.count(BillContact) };
};

test('createAccount creates the account and its main user, whose password is stored as a scrypt hash', async () => {
  const result = await h.admin.data(CreateAccountDocument, {
    input: { username: 'acme', type: 'COMPANY', language: 'ca', fullName: 'Acme SL', password: PASSWORD },
  });
  expect(result.createAccount.userErrors).toEqual([]);
  expect(result.createAccount.account).toMatchObject({ username: 'acme', type: 'COMPANY', language: 'ca', isActive: true, fullName: 'Acme SL' });
  const user = await h.orm.em.fork().findOneOrFail(User, { username: 'acme' });
  expect(user.passwordHash).toMatch(/^\$scrypt\$N=32768,r=8,p=1\$/);
  expect(user.passwordHash).not.toContain(PASSWORD);
  expect(user.isAdmin).toBe(false);
});

test.each([
  ['', 'input.username', 'REQUIRED'],
  ['Upper', 'input.username', 'INVALID'],
  ['1starts-with-digit', 'input.username', 'INVALID'],
  ['a'.repeat(33), 'input.username', 'TOO_LONG'],
  ['has space', 'input.username', 'INVALID'],
  ['semi;colon', 'input.username', 'INVALID'],
  ['root', 'input.username', 'INVALID'],
  ['x$(touch /tmp/pwn)', 'input.username', 'INVALID'],
])('createAccount rejects username %j and writes nothing', async (username, field, code) => {
  const before = await counts();
  const result = await h.admin.data(CreateAccountDocument, { input: { username } });
  expect(result.createAccount.account).toBeNull();
  expect(result.createAccount.userErrors).toEqual([expect.objectContaining({ field, code })]);
  expect(await counts()).toEqual(before);
});

test('createAccount reports every bad field at once: language, password', async () => {
  const before = await counts();
  const result = await h.admin.data(CreateAccountDocument, { input: { username: 'fine', language: 'xx', password: 'short' } });
  expect(result.createAccount.userErrors.map((e) => e.field).sort()).toEqual(['input.language', 'input.password']);
  expect(await counts()).toEqual(before);
});

test.each(BAD_PASSWORDS)('createAccount refuses the password %j and writes nothing', async (password) => {
  const before = await counts();
  const result = await h.admin.data(CreateAccountDocument, { input: { username: 'badpw', password } });
  expect(result.createAccount.userErrors).toEqual([expect.objectContaining({ field: 'input.password', code: 'INVALID' })]);
  expect(await counts()).toEqual(before);
});

test.each(GOOD_PASSWORDS)('createAccount takes the password %j, and its user logs in with it', async (password) => {
  const username = `goodpw${GOOD_PASSWORDS.indexOf(password)}`;
  const result = await h.admin.data(CreateAccountDocument, { input: { username, password } });
  expect(result.createAccount.userErrors).toEqual([]);
  expect((await h.client.data(LoginDocument, { input: { username, password } })).login.token).toBeTruthy();
});

test('a taken username is a TAKEN userError', async () => {
  await h.admin.data(CreateAccountDocument, { input: { username: 'dupe' } });
  const before = await counts();
  const result = await h.admin.data(CreateAccountDocument, { input: { username: 'dupe' } });
  expect(result.createAccount.userErrors).toEqual([expect.objectContaining({ field: 'input.username', code: 'TAKEN' })]);
  expect(await counts()).toEqual(before);
});

test('contacts: validation of e-mail, phones, usages, and the address rule (address needs city, zipcode, country)', async () => {
  const { account, client } = await accountWithUser(h.admin, 'contactco');
  const before = await counts();
  const bad = await client.data(CreateContactDocument, {
    input: { accountId: account.id, shortName: 'Ann', email: 'not-an-email', phone: '12', phone2: 'call me', address: 'Main St 1', zipcode: '08001' },
  });
  expect(bad.createContact.contact).toBeNull();
  expect(bad.createContact.userErrors.map((e) => `${e.field}:${e.code}`).sort()).toEqual([
    'input.city:REQUIRED', 'input.country:REQUIRED', 'input.email:INVALID', 'input.phone2:INVALID', 'input.phone:INVALID',
  ]);
  const zipOnly = await client.data(CreateContactDocument, { input: { accountId: account.id, shortName: 'Ann', email: 'ann@example.org', zipcode: '08001' } });
  expect(zipOnly.createContact.userErrors).toEqual([expect.objectContaining({ field: 'input.country', code: 'REQUIRED' })]);
  const badCountry = await client.data(CreateContactDocument, {
    input: { accountId: account.id, shortName: 'Ann', email: 'ann@example.org', address: 'Main St 1', city: 'X', zipcode: '08001', country: 'QQ' },
  });
  expect(badCountry.createContact.userErrors).toEqual([expect.objectContaining({ field: 'input.country' })]);
  expect(await counts()).toEqual(before);

  const good = await client.data(CreateContactDocument, {
    input: {
      accountId: account.id, shortName: 'Ann', email: 'ann@example.org', emailUsages: ['BILLING', 'TECH', 'BILLING'],
      phone: '+34 934 123 456', address: 'Carrer Major 1', city: 'Barcelona', zipcode: '08001', country: 'es',
    },
  });
  expect(good.createContact.userErrors).toEqual([]);
  expect(good.createContact.contact).toMatchObject({ emailUsages: ['BILLING', 'TECH'], country: 'ES', city: 'Barcelona' });
  const defaults = await contactFor(client, account.id, 'Dan');
  expect(defaults.emailUsages).toEqual(['SUPPORT', 'ADMIN', 'BILLING', 'TECH', 'ADDS', 'EMERGENCY']);

  // An update is validated as a whole: removing the city of a contact with an address is refused.
  const id = good.createContact.contact!.id;
  const update = await client.data(UpdateContactDocument, { input: { id, city: '' } });
  expect(update.updateContact.userErrors).toEqual([expect.objectContaining({ field: 'input.city' })]);
  expect((await h.orm.em.fork().findOneOrFail(Contact, { email: 'ann@example.org' })).city).toBe('Barcelona');
});

test('bill contact: all address fields required; VAT format; setting twice replaces', async () => {
  const { account, client } = await accountWithUser(h.admin, 'billco');
  const bad = await client.data(SetBillContactDocument, { input: { accountId: account.id, name: '', address: '', city: '', zipcode: '', country: '', vat: 'not a vat!' } });
  expect(bad.setBillContact.userErrors.map((e) => e.field).sort()).toEqual([
    'input.address', 'input.city', 'input.country', 'input.name', 'input.vat', 'input.zipcode',
  ]);
  expect(await h.orm.em.fork().count(BillContact, { account: { username: 'billco' } })).toBe(0);
  const input = { accountId: account.id, name: 'Billco SL', address: 'Gran Via 2', city: 'Madrid', zipcode: '28013', country: 'ES', vat: 'es b-12345678' };
  const first = await client.data(SetBillContactDocument, { input });
  expect(first.setBillContact.billContact).toMatchObject({ vat: 'ESB12345678' });
  const second = await client.data(SetBillContactDocument, { input: { ...input, name: 'Billco SA' } });
  expect(second.setBillContact.billContact!.id).toBe(first.setBillContact.billContact!.id);
  expect(await h.orm.em.fork().count(BillContact, { account: { username: 'billco' } })).toBe(1);
});

test('disable locks the account\'s users out; enable lets them in again (and does not disable)', async () => {
  const { account } = await accountWithUser(h.admin, 'switchco');
  const disabled = await h.admin.data(DisableAccountDocument, { id: account.id });
  expect(disabled.disableAccount.account!.isActive).toBe(false);
  const refused = await h.client.data(LoginDocument, { input: { username: 'switchco', password: PASSWORD } });
  expect(refused.login.token).toBeNull();
  const enabled = await h.admin.data(EnableAccountDocument, { id: account.id });
  expect(enabled.enableAccount.account!.isActive).toBe(true);
  const again = await h.admin.data(EnableAccountDocument, { id: account.id });
  expect(again.enableAccount.account!.isActive).toBe(true);
  const ok = await h.client.data(LoginDocument, { input: { username: 'switchco', password: PASSWORD } });
  expect(ok.login.token).toBeTruthy();
});

test('admins cannot disable or delete their own account', async () => {
  const me = (await h.admin.data(AccountsDocument, { filter: { search: 'admin' } })).accounts.edges[0].node;
  expect((await h.admin.data(DisableAccountDocument, { id: me.id })).disableAccount.userErrors[0].code).toBe('NOT_ALLOWED');
  expect((await h.admin.data(DeleteAccountDocument, { id: me.id })).deleteAccount.userErrors[0].code).toBe('NOT_ALLOWED');
  expect((await h.orm.em.fork().findOneOrFail(Account, { username: 'admin' })).isActive).toBe(true);
});

test('deleting an account removes its contacts, bill contact and users', async () => {
  const { account, client } = await accountWithUser(h.admin, 'goneco');
  await contactFor(client, account.id, 'Gina');
  await client.data(SetBillContactDocument, { input: { accountId: account.id, name: 'G', address: 'A 1', city: 'C', zipcode: '08001', country: 'ES' } });
  await h.admin.data(DeleteAccountDocument, { id: account.id });
  const em = h.orm.em.fork();
  expect(await em.count(Contact, { shortName: 'Gina' })).toBe(0);
  expect(await em.count(User, { username: 'goneco' })).toBe(0);
  expect(await em.count(BillContact, { name: 'G' })).toBe(0);
});

test('accounts: pagination with first/after, totalCount, filter and orderBy', async () => {
  for (const n of ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']) await h.admin.data(CreateAccountDocument, { input: { username: n, type: 'FRIEND' } });
  const seen: string[] = [];
  let after: string | null | undefined;
  for (;;) {
    const page = await h.admin.data(AccountsDocument, { first: 2, after, filter: { search: 'pg-' }, orderBy: { field: 'USERNAME', direction: 'DESC' } });
    expect(page.accounts.totalCount).toBe(5);
    seen.push(...page.accounts.edges.map((e) => e.node.username));
    if (!page.accounts.pageInfo.hasNextPage) break;
    after = page.accounts.pageInfo.endCursor;
  }
  expect(seen).toEqual(['pg-e', 'pg-d', 'pg-c', 'pg-b', 'pg-a']);
  const friends = await h.admin.data(AccountsDocument, { first: 100, filter: { type: 'FRIEND' } });
  expect(friends.accounts.edges.map((e) => e.node.username).sort()).toEqual(['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']);
  const tooMany = await h.admin.request(AccountsDocument, { first: 101 });
  expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const badCursor = await h.admin.request(AccountsDocument, { first: 1, after: 'garbage' });
  expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

test('updateAccount records only what changed and keeps the username', async () => {
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'upd' } });
  const id = created.createAccount.account!.id;
  const result = await h.admin.data(UpdateAccountDocument, { input: { id, fullName: 'Updated Name', language: 'es', comments: 'vip' } });
  expect(result.updateAccount.account).toMatchObject({ username: 'upd', fullName: 'Updated Name', language: 'es' });
  const row = await h.orm.em.fork().findOneOrFail(Account, { username: 'upd' });
  expect(row.comments).toBe('vip');
});

/**
 * Mailing lists through the API (no worker: the outbox's rows and rendered scripts are read): every field validated,
 * hostile values refused with nothing written, the password only as a hash, the list's addresses (its own and
 * Mailman's) kept apart from the domain's addresses in both directions, another account's lists and domains
 * NOT_FOUND, dry runs planning without saving.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Address } from '../src/entities/mail/address.js';
import { MailingList } from '../src/entities/mail/mailing-list.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import {
  CreateAddressDocument, CreateDomainDocument, CreateMailboxDocument, CreateMailingListDocument, DeleteMailingListDocument, MailingListDocument,
  MailingListsDocument, UpdateMailingListDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { BAD_PASSWORDS, accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let client: GraphQLClient;
let other: GraphQLClient;
let domainId: string;
let otherDomainId: string;
let mailboxId: string;

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'listapi');
  client = a.client;
  const b = await accountWithUser(h.admin, 'otherlists');
  other = b.client;
  // A route for each backend, to a server no worker reaches: the scripts are rendered into the outbox, never run.
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'lists-nowhere', address: '192.0.2.26' });
  for (const backend of ['mailman-lists', 'postfix-addresses', 'dovecot-mailboxes']) em.create(Route, { backend, server, match: '' });
  await em.flush();
  domainId = (await client.data(CreateDomainDocument, { input: { accountId: a.account.id, name: 'listapi.example' } })).createDomain.domain!.id;
  otherDomainId = (await other.data(CreateDomainDocument, { input: { accountId: b.account.id, name: 'otherlists.example' } })).createDomain.domain!.id;
  mailboxId = (await client.data(CreateMailboxDocument, { input: { accountId: a.account.id, name: 'listbox', password: 'a long password' } })).createMailbox.mailbox!.id;
});
afterAll(() => h?.close());

async function rows() {
  const em = h.orm.em.fork();
  const strip = (list: object[]) => list.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    lists: strip(await em.find(MailingList, {}, { orderBy: { id: 'asc' } })),
    addresses: strip(await em.find(Address, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

const errors = (list: { field: string; code: string }[]) => list.map((e) => `${e.field}:${e.code}`).sort();
const newList = (input: Record<string, unknown>) =>
  client.data(CreateMailingListDocument, { input: { domainId, adminEmail: 'owner@elsewhere.example', password: 'a long password', ...input } as never });

describe('mailing lists', () => {
  let newsId: string;

  test('created on the account\'s domain with a SHA-512-crypt hash in the script, the password nowhere; its address and Mailman\'s are planned', async () => {
    const password = 'a very private list password';
    const r = await newList({ name: 'news', adminEmail: ' Owner@Elsewhere.Example ', password });
    expect(r.createMailingList.userErrors).toEqual([]);
    expect(r.createMailingList.mailingList).toMatchObject({ name: 'news', addressName: 'news', address: 'news@listapi.example', adminEmail: 'owner@elsewhere.example', isActive: true });
    expect(r.createMailingList.operations.map((o) => o.backend)).toEqual(['mailman-lists']);
    newsId = r.createMailingList.mailingList!.id;
    const row = await h.orm.em.fork().findOneOrFail(MailingList, { name: 'news' });
    expect(row.passwordHash).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    const scripts = (await h.orm.em.fork().find(ScriptRun, {})).map((s) => s.script).join('\n');
    expect(scripts).toContain(`save_list 'news@listapi.example' 'owner@elsewhere.example' '${row.passwordHash}' 'active' 'news@listapi.example' 'news-bounces@listapi.example'`);
    const all = JSON.stringify(await h.orm.em.fork().getConnection().execute('select * from audit_entry')) + scripts;
    expect(all).not.toContain(password);
  });

  test('a custom address name; the list\'s name stays its own', async () => {
    const r = await newList({ name: 'team-list', addressName: 'team' });
    expect(r.createMailingList.userErrors).toEqual([]);
    expect(r.createMailingList.mailingList!.address).toBe('team@listapi.example');
  });

  test.each([
    ['name', { name: '' }, 'REQUIRED'],
    ['name', { name: 'a b' }, 'INVALID'],
    ['name', { name: 'a+b' }, 'INVALID'],
    ['name', { name: '.news' }, 'INVALID'],
    ['name', { name: 'a..b' }, 'INVALID'],
    ['name', { name: "a'$(id)" }, 'INVALID'],
    ['name', { name: 'a\nb' }, 'INVALID'],
    ['name', { name: 'x'.repeat(53) }, 'TOO_LONG'],
    ['name', { name: 'news', addressName: 'other-news' }, 'TAKEN'],
    ['addressName', { name: 'news2', addressName: 'news' }, 'TAKEN'],
    // Its addresses would meet news's: news-owner@ is Mailman's address of news.
    ['addressName', { name: 'news3', addressName: 'news-owner' }, 'TAKEN'],
    ['addressName', { name: 'x1', addressName: 'a/b' }, 'INVALID'],
    ['adminEmail', { name: 'x2', adminEmail: '' }, 'REQUIRED'],
    ['adminEmail', { name: 'x3', adminEmail: 'not an address' }, 'INVALID'],
    ['adminEmail', { name: 'x4', adminEmail: 'a@b.example\nBcc: x@y.example' }, 'INVALID'],
    ['adminEmail', { name: 'x5', adminEmail: 'listbox@orchestra-mailboxes.invalid' }, 'INVALID'],
    ['domainId', { name: 'x6', domainId: 'RG9tYWluOjk5OTk5OQ' }, 'NOT_FOUND'],
  ])('refuses a bad %s (%j) and writes nothing', async (field, input, code) => {
    const before = await rows();
    const r = await newList(input);
    expect(errors(r.createMailingList.userErrors)).toContain(`input.${field}:${code}`);
    expect(await rows()).toEqual(before);
  });

  test.each(BAD_PASSWORDS.map((p) => [JSON.stringify(p).slice(0, 40), p]))('refuses the password %s', async (_label, password) => {
    const before = await rows();
    const r = await newList({ name: 'badpass', password });
    expect(r.createMailingList.userErrors.map((e) => e.field)).toEqual(['input.password']);
    expect(await rows()).toEqual(before);
  });

  test('an address cannot take a list\'s address, nor Mailman\'s addresses of it; a list cannot take an address', async () => {
    const before = await rows();
    for (const name of ['news', 'news-request', 'team-bounces']) {
      const r = await client.data(CreateAddressDocument, { input: { domainId, name, mailboxIds: [mailboxId] } });
      expect(errors(r.createAddress.userErrors)).toEqual(['input.name:TAKEN']);
    }
    expect(await rows()).toEqual(before);
    const info = await client.data(CreateAddressDocument, { input: { domainId, name: 'info-join', mailboxIds: [mailboxId] } });
    expect(info.createAddress.userErrors).toEqual([]);
    const r = await newList({ name: 'info' });
    expect(errors(r.createMailingList.userErrors)).toEqual(['input.addressName:TAKEN']);
  });

  test('another account\'s domain and lists are NOT_FOUND', async () => {
    const before = await rows();
    const r = await newList({ name: 'sneaky', domainId: otherDomainId });
    expect(errors(r.createMailingList.userErrors)).toEqual(['input.domainId:NOT_FOUND']);
    const q = await other.request(MailingListDocument, { id: newsId });
    expect(q.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const u = await other.data(UpdateMailingListDocument, { input: { id: newsId, isActive: false } });
    expect(errors(u.updateMailingList.userErrors)).toEqual(['input.id:NOT_FOUND']);
    const d = await other.data(DeleteMailingListDocument, { id: newsId });
    expect(errors(d.deleteMailingList.userErrors)).toEqual(['id:NOT_FOUND']);
    expect((await other.data(MailingListsDocument, {})).mailingLists.totalCount).toBe(0);
    expect(await rows()).toEqual(before);
  });

  test('a dry run plans the script and saves nothing', async () => {
    const before = await rows();
    const r = await client.data(CreateMailingListDocument, { input: { domainId, name: 'planned', adminEmail: 'owner@elsewhere.example', password: 'a long password' }, dryRun: true });
    expect(r.createMailingList.userErrors).toEqual([]);
    expect(r.createMailingList.mailingList).toBeNull();
    expect(r.createMailingList.plan!.map((p) => p.backend)).toEqual(['mailman-lists']);
    expect(r.createMailingList.plan![0]!.script).toContain("save_list 'planned@listapi.example'");
    expect(await rows()).toEqual(before);
  });

  test('disabled, new owner, new password: one save; deleted: a delete with the list\'s addresses', async () => {
    const r = await client.data(UpdateMailingListDocument, { input: { id: newsId, isActive: false, adminEmail: 'boss@elsewhere.example', password: 'another long password' } });
    expect(r.updateMailingList.userErrors).toEqual([]);
    expect(r.updateMailingList.mailingList).toMatchObject({ isActive: false, adminEmail: 'boss@elsewhere.example' });
    expect(r.updateMailingList.operations.map((o) => `${o.backend}/${o.action}`)).toEqual(['mailman-lists/save']);
    const d = await client.data(DeleteMailingListDocument, { id: newsId });
    expect(d.deleteMailingList.userErrors).toEqual([]);
    expect(d.deleteMailingList.operations.map((o) => `${o.backend}/${o.action}`)).toEqual(['mailman-lists/delete']);
    const last = (await h.orm.em.fork().find(ScriptRun, {}, { orderBy: { id: 'desc' }, limit: 1 }))[0]!.script;
    expect(last).toContain("delete_list 'news@listapi.example' 'news@listapi.example' 'news-bounces@listapi.example'");
    // Gone: its address is free again.
    const again = await newList({ name: 'news' });
    expect(again.createMailingList.userErrors).toEqual([]);
  });
});

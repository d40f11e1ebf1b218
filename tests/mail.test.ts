/**
 * Mailboxes and addresses through the API (no worker: the outbox's rows and rendered scripts are read): every field
 * validated, hostile values refused with nothing written, passwords only as {SHA512-CRYPT} hashes, a broken Sieve
 * script mapped to its field, the original's address rules (the account's own domain and mailboxes, forwards that
 * are addresses, never itself, never the internal delivery domain), a mailbox's delete taking addresses left
 * without destination, and autoresponse subjects that cannot inject headers.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Address } from '../src/entities/mail/address.js';
import { Mailbox } from '../src/entities/mail/mailbox.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { Server } from '../src/entities/orchestration/server.js';
import {
  AddressDocument, CreateAddressDocument, CreateDomainDocument, CreateMailboxDocument, DeleteMailboxDocument, MailboxDocument, UpdateAddressDocument,
  UpdateMailboxDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { BAD_PASSWORDS, accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let client: GraphQLClient;
let other: GraphQLClient;
let accountId: string;
let domainId: string;
let otherDomainId: string;
let otherMailboxId: string;

beforeAll(async () => {
  h = await startApiHarness();
  const a = await accountWithUser(h.admin, 'mailapi');
  client = a.client;
  accountId = a.account.id;
  const b = await accountWithUser(h.admin, 'othermail');
  other = b.client;
  // A route for each backend, to a server no worker reaches: the scripts are rendered into the outbox, never run.
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'mx-nowhere', address: '192.0.2.25' });
  for (const backend of ['dovecot-mailboxes', 'postfix-addresses']) em.create(Route, { backend, server, match: '' });
  await em.flush();
  const d = await client.data(CreateDomainDocument, { input: { accountId, name: 'mailapi.example' } });
  domainId = d.createDomain.domain!.id;
  const od = await other.data(CreateDomainDocument, { input: { accountId: b.account.id, name: 'othermail.example' } });
  otherDomainId = od.createDomain.domain!.id;
  const om = await other.data(CreateMailboxDocument, { input: { accountId: b.account.id, name: 'othermbox', password: 'a long password' } });
  otherMailboxId = om.createMailbox.mailbox!.id;
});
afterAll(() => h?.close());

async function rows() {
  const em = h.orm.em.fork();
  const strip = (list: object[]) => list.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  return {
    mailboxes: strip(await em.find(Mailbox, {}, { orderBy: { id: 'asc' } })),
    addresses: strip(await em.find(Address, {}, { orderBy: { id: 'asc' } })),
    operations: await em.count(Operation),
  };
}

const errors = (list: { field: string; code: string }[]) => list.map((e) => `${e.field}:${e.code}`).sort();

async function newMailbox(name: string, extra: Record<string, unknown> = {}) {
  const r = await client.data(CreateMailboxDocument, { input: { accountId, name, password: 'a long password', ...extra } });
  expect(r.createMailbox.userErrors).toEqual([]);
  return r.createMailbox.mailbox!;
}

describe('mailboxes', () => {
  test('created with a {SHA512-CRYPT} hash that appears in the script; the password nowhere', async () => {
    const password = 'a very private password';
    const r = await client.data(CreateMailboxDocument, { input: { accountId, name: 'anna', password } });
    expect(r.createMailbox.userErrors).toEqual([]);
    expect(r.createMailbox.mailbox).toMatchObject({ name: 'anna', isActive: true, spamFilter: 'MOVE_TO_SPAM', customSieve: null });
    expect(r.createMailbox.operations.map((o) => o.backend)).toEqual(['dovecot-mailboxes']);
    const row = await h.orm.em.fork().findOneOrFail(Mailbox, { name: 'anna' });
    expect(row.passwordHash).toMatch(/^\{SHA512-CRYPT\}\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    const scripts = (await h.orm.em.fork().find(ScriptRun, {})).map((s) => s.script).join('\n');
    expect(scripts).toContain(row.passwordHash);
    const all = JSON.stringify(await h.orm.em.fork().getConnection().execute('select * from audit_entry')) + scripts;
    expect(all).not.toContain(password);
  });

  test.each([
    ['name', { name: '' }, 'REQUIRED'],
    ['name', { name: 'Anna' }, 'INVALID'],
    ['name', { name: '.anna' }, 'INVALID'],
    ['name', { name: 'a..b' }, 'INVALID'],
    ['name', { name: "a'b" }, 'INVALID'],
    ['name', { name: 'a$(id)' }, 'INVALID'],
    ['name', { name: 'a\nb' }, 'INVALID'],
    ['name', { name: 'a/b' }, 'INVALID'],
    ['name', { name: 'x'.repeat(33) }, 'TOO_LONG'],
    ['name', { name: 'anna' }, 'TAKEN'],
    ['name', { name: 'othermbox' }, 'TAKEN'],
    ['customSieve', { name: 'sieve1', customSieve: 'if true { fileintoo "x"; }' }, 'INVALID'],
    ['customSieve', { name: 'sieve2', customSieve: 'require ["fileinto"]; fileinto "a" "b";' }, 'INVALID'],
  ])('refuses a bad %s (%j) and writes nothing', async (field, input, code) => {
    const before = await rows();
    const r = await client.data(CreateMailboxDocument, { input: { accountId, password: 'a long password', ...input } });
    expect(errors(r.createMailbox.userErrors)).toContain(`input.${field}:${code}`);
    expect(await rows()).toEqual(before);
  });

  test.each(BAD_PASSWORDS.map((p) => [JSON.stringify(p).slice(0, 40), p]))('refuses the password %s', async (_label, password) => {
    const before = await rows();
    const r = await client.data(CreateMailboxDocument, { input: { accountId, name: 'badpass', password } });
    expect(r.createMailbox.userErrors.map((e) => e.field)).toEqual(['input.password']);
    expect(await rows()).toEqual(before);
  });

  test('a broken Sieve script on update: sievec\'s message on the field, nothing changed', async () => {
    const m = await newMailbox('sievebox', { customSieve: 'require ["fileinto"];\nif header :contains "subject" "x" { fileinto "X"; }\n' });
    const before = await rows();
    const r = await client.data(UpdateMailboxDocument, { input: { id: m.id, customSieve: 'require ["fileinto"];\n\nif true { stop }' } });
    expect(r.updateMailbox.userErrors).toEqual([{ field: 'input.customSieve', code: 'INVALID', message: expect.stringContaining('custom: line 3: error:') }]);
    expect(await rows()).toEqual(before);
    const removed = await client.data(UpdateMailboxDocument, { input: { id: m.id, customSieve: '' } });
    expect(removed.updateMailbox.mailbox!.customSieve).toBeNull();
  });

  test('another account\'s mailbox is NOT_FOUND', async () => {
    const r = await client.request(MailboxDocument, { id: otherMailboxId });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const u = await client.data(UpdateMailboxDocument, { input: { id: otherMailboxId, isActive: false } });
    expect(errors(u.updateMailbox.userErrors)).toEqual(['input.id:NOT_FOUND']);
  });
});

describe('addresses', () => {
  let bea: { id: string };
  let cai: { id: string };

  beforeAll(async () => {
    bea = await newMailbox('bea');
    cai = await newMailbox('cai');
  });

  test('an address of the account\'s domain into its mailboxes and forwards', async () => {
    const r = await client.data(CreateAddressDocument, { input: { domainId, name: 'Sales', mailboxIds: [cai.id, bea.id], forwards: ['Boss@Elsewhere.example'] } });
    expect(r.createAddress.userErrors).toEqual([]);
    expect(r.createAddress.address).toMatchObject({ name: 'sales', email: 'sales@mailapi.example', forwards: ['boss@elsewhere.example'] });
    expect(r.createAddress.address!.mailboxes.map((m) => m.name)).toEqual(['bea', 'cai']);
    expect(r.createAddress.operations.map((o) => o.backend)).toEqual(['postfix-addresses']);
    const script = (await h.orm.em.fork().find(ScriptRun, {}, { orderBy: { id: 'desc' }, limit: 1 }))[0]!.script;
    expect(script).toContain("map_set virtual_aliases 'sales@mailapi.example' 'bea@orchestra-mailboxes.invalid, boss@elsewhere.example, cai@orchestra-mailboxes.invalid'");
    const catchAll = await client.data(CreateAddressDocument, { input: { domainId, mailboxIds: [bea.id] } });
    expect(catchAll.createAddress.address).toMatchObject({ name: '', email: '@mailapi.example' });
  });

  test.each([
    ['name', { name: 'sales', forwards: ['a@b.example'] }, 'TAKEN'],
    ['name', { name: 'a b' }, 'INVALID'],
    ['name', { name: 'a"b' }, 'INVALID'],
    ['name', { name: '$(id)' }, 'INVALID'],
    ['name', { name: 'a\r\nb' }, 'INVALID'],
    ['name', { name: 'x'.repeat(65) }, 'TOO_LONG'],
    ['mailboxIds', { name: 'nothing' }, 'REQUIRED'],
    ['forwards[0]', { name: 'f1', forwards: ['not-an-address'] }, 'INVALID'],
    ['forwards[0]', { name: 'f2', forwards: ['x@y.example\nBcc: z@evil.example'] }, 'INVALID'],
    ['forwards[0]', { name: 'f3', forwards: ['f3@mailapi.example'] }, 'INVALID'],
    ['forwards[0]', { name: 'f4', forwards: ['othermbox@orchestra-mailboxes.invalid'] }, 'INVALID'],
    ['forwards[1]', { name: 'f5', forwards: ['a@b.example', 'A@b.example'] }, 'INVALID'],
    ['forwards[0]', { name: 'f6', forwards: ["a'b@$(id).example"] }, 'INVALID'],
  ])('refuses a bad %s (%j) and writes nothing', async (field, input, code) => {
    const before = await rows();
    const r = await client.data(CreateAddressDocument, { input: { domainId, ...input } });
    expect(errors(r.createAddress.userErrors)).toContain(`input.${field}:${code}`);
    expect(await rows()).toEqual(before);
  });

  test('another account\'s domain and mailbox are NOT_FOUND', async () => {
    const before = await rows();
    const d = await client.data(CreateAddressDocument, { input: { domainId: otherDomainId, name: 'x', forwards: ['a@b.example'] } });
    expect(errors(d.createAddress.userErrors)).toEqual(['input.domainId:NOT_FOUND']);
    const m = await client.data(CreateAddressDocument, { input: { domainId, name: 'x', mailboxIds: [otherMailboxId] } });
    expect(errors(m.createAddress.userErrors)).toEqual(['input.mailboxIds[0]:NOT_FOUND']);
    expect(await rows()).toEqual(before);
  });

  test('an autoresponse subject with CR LF or other control characters is refused; a good one is stored', async () => {
    const before = await rows();
    for (const subject of ['Away\r\nBcc: victim@example.org', 'Away\nX: y', 'tab\there', '']) {
      const r = await client.data(CreateAddressDocument, { input: { domainId, name: 'away', mailboxIds: [bea.id], autoresponse: { subject, message: 'Back soon.' } } });
      expect(errors(r.createAddress.userErrors)).toEqual([`input.autoresponse.subject:${subject === '' ? 'REQUIRED' : 'INVALID'}`]);
    }
    const dates = await client.data(CreateAddressDocument, { input: { domainId, name: 'away', mailboxIds: [bea.id], autoresponse: { subject: 'x', message: 'y', from: '2026-02-30', until: 'tomorrow', days: 0 } } });
    expect(errors(dates.createAddress.userErrors)).toEqual(['input.autoresponse.days:INVALID', 'input.autoresponse.from:INVALID', 'input.autoresponse.until:INVALID']);
    expect(await rows()).toEqual(before);
    const ok = await client.data(CreateAddressDocument, {
      input: { domainId, name: 'away', mailboxIds: [bea.id], autoresponse: { subject: 'Out: "quotes" $(id) `id`', message: 'Back on Monday.\r\nRegards', from: '2026-01-01', until: '2026-12-31', days: 3 } },
    });
    expect(ok.createAddress.userErrors).toEqual([]);
    expect(ok.createAddress.address!.autoresponse).toEqual({ isActive: true, subject: 'Out: "quotes" $(id) `id`', message: 'Back on Monday.\nRegards', from: '2026-01-01', until: '2026-12-31', days: 3 });
  });

  test('deleting a mailbox strips it from addresses and deletes those left without destination', async () => {
    const dora = await newMailbox('dora');
    const only = await client.data(CreateAddressDocument, { input: { domainId, name: 'only-dora', mailboxIds: [dora.id] } });
    const shared = await client.data(CreateAddressDocument, { input: { domainId, name: 'shared', mailboxIds: [dora.id, bea.id] } });
    const d = await client.data(DeleteMailboxDocument, { id: dora.id });
    expect(d.deleteMailbox.userErrors).toEqual([]);
    expect(d.deleteMailbox.operations.map((o) => `${o.backend}/${o.action}`).sort()).toEqual(['dovecot-mailboxes/delete', 'postfix-addresses/delete', 'postfix-addresses/save']);
    expect((await client.request(AddressDocument, { id: only.createAddress.address!.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const left = await client.data(AddressDocument, { id: shared.createAddress.address!.id });
    expect(left.address.mailboxes.map((m) => m.name)).toEqual(['bea']);
    const u = await client.data(UpdateAddressDocument, { input: { id: shared.createAddress.address!.id, mailboxIds: [] } });
    expect(errors(u.updateAddress.userErrors)).toEqual(['input.mailboxIds:REQUIRED']);
  });
});

/**
 * Mailing lists on real servers: Mailman 3, Postfix and Dovecot (Debian's packages) on one sandboxed host with its
 * own network namespace (tests/support/mail-host.ts), configured by Orchestra through the API, the engine and SSH.
 * Members are subscribed through Mailman's REST API (Orchestra manages lists, not their members); posts are sent
 * with swaks to the host's Postfix and found in the members' Maildirs.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Operation } from '../src/entities/orchestration/operation.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import {
  CreateAddressDocument, CreateDomainDocument, CreateMailboxDocument, CreateMailingListDocument, DeleteMailingListDocument, DisableAccountDocument,
  EnableAccountDocument, LoginDocument, UpdateMailingListDocument,
} from './generated/graphql.js';
import { DnsLan } from './support/dns-lan.js';
import { PASSWORD, accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { mailHostSpec, startMailDaemons, startMailman, type MailDaemons, type Mailman } from './support/mail-host.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';

// Mailman's first start takes a minute or more on a busy machine; each test waits for operations (up to 2 min) and
// deliveries through Mailman (up to 2 min): the waits bound time, never an outcome.
jest.setTimeout(300_000);

const LIST_PASSWORD = 'list-first-Passw0rd';
const LIST_NEW_PASSWORD = 'list-second-Passw0rd';

let lan: DnsLan;
let h: OrchestraHarness;
let mail: MailDaemons;
let mailman: Mailman;
let client: GraphQLClient;
let accountId: string;
let listId: string;
let lastOperation = '0';

beforeAll(async () => {
  lan = await DnsLan.start();
  h = await startOrchestraHarness([await mailHostSpec(lan, 'lists1', { mailman: true })]);
  [mail, mailman] = await Promise.all([startMailDaemons(h.hosts.lists1!), startMailman(h.hosts.lists1!)]);
  await h.startWorker();
  await h.addServer('lists1', ['dovecot-mailboxes', 'postfix-addresses', 'mailman-lists']);
  const a = await accountWithUser(h.admin, 'listco');
  client = a.client;
  accountId = a.account.id;
  const domain = await client.data(CreateDomainDocument, { input: { accountId, name: 'listco.example' } });
  expect(domain.createDomain.userErrors).toEqual([]);
  const domainId = domain.createDomain.domain!.id;
  // Two members with mailboxes here, and a catch-all that must not take the list's mail.
  const mailboxIds: Record<string, string> = {};
  for (const name of ['alice', 'bob']) {
    const mailbox = await client.data(CreateMailboxDocument, { input: { accountId, name, password: `${name}-only-Passw0rd`, spamFilter: 'DISABLED' as never } });
    expect(mailbox.createMailbox.userErrors).toEqual([]);
    const address = await client.data(CreateAddressDocument, { input: { domainId, name, mailboxIds: [mailbox.createMailbox.mailbox!.id] } });
    expect(address.createAddress.userErrors).toEqual([]);
    mailboxIds[name] = mailbox.createMailbox.mailbox!.id;
  }
  const catchAll = await client.data(CreateAddressDocument, { input: { domainId, name: '', mailboxIds: [mailboxIds.alice!] } });
  expect(catchAll.createAddress.userErrors).toEqual([]);

  const created = await client.data(CreateMailingListDocument, {
    input: { domainId, name: 'news', adminEmail: 'owner@elsewhere.example', password: LIST_PASSWORD },
  });
  expect(created.createMailingList.userErrors).toEqual([]);
  listId = created.createMailingList.mailingList!.id;
  await settled();
}, 600_000);

afterAll(async () => {
  await mailman?.stop();
  await mail?.stop();
  await h?.close();
  await lan?.close();
});

/** Waits until every operation since the last call is final, and fails on any that did not succeed. */
async function settled(): Promise<Operation[]> {
  const ops = await h.settle({ id: { $gt: lastOperation } }, 1, 120_000);
  lastOperation = ops.at(-1)!.id;
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) {
    const runs = failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}: ${o.state}\n${o.run.getEntity().stdout}\n${o.run.getEntity().stderr}`);
    throw new Error(`operations failed:\n${runs.join('\n')}`);
  }
  return ops;
}

const host = () => h.hosts.lists1!.sandbox;
const postmapQuery = (map: string, key: string) => host().exec(['postmap', '-q', key, `hash:/etc/postfix/orchestra/${map}`]).then((r) => r.stdout.trim(), () => null);
const ownerLogin = async (password: string) => (await mailman.api('POST', '/users/owner@elsewhere.example/login', { cleartext_password: password })).status;

async function subscribe(email: string): Promise<void> {
  const r = await mailman.api('POST', '/members', {
    list_id: 'news.listco.example', subscriber: email, pre_verified: 'true', pre_confirmed: 'true', pre_approved: 'true', send_welcome_message: 'false',
  });
  expect([r.status, r.body]).toEqual([201, '']);
}

/** Polls until a mailbox has a message matching `pattern` that was not there before; returns it. */
async function waitForNew(mailbox: string, before: number, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const messages = await mail.waitForMessages(mailbox, before);
    const found = messages.find((m) => pattern.test(m));
    if (messages.length > before && found) return found;
    if (Date.now() > deadline) {
      throw new Error(`${mailbox}: no new message matching ${pattern} after 120 s\n${(await mail.mailLog()).slice(-4000)}\n${(await mailman.log()).slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('mailing lists on Mailman 3 and Postfix', () => {
  test('a created list exists on Mailman with its owner and password; its addresses go to Mailman\'s LMTP; the password is a hash everywhere', async () => {
    const list = await mailman.api('GET', '/lists/news.listco.example');
    expect([list.status, list.body.fqdn_listname]).toEqual([200, 'news@listco.example']);
    const owners = await mailman.api('GET', '/lists/news.listco.example/roster/owner');
    expect(owners.body.entries.map((e: { email: string }) => e.email)).toEqual(['owner@elsewhere.example']);
    expect(await ownerLogin(LIST_PASSWORD)).toBe(204);
    expect(await ownerLogin('not-the-password')).toBe(403);

    for (const address of ['news@listco.example', 'news-bounces@listco.example', 'news-request@listco.example', 'news-owner@listco.example']) {
      expect(await postmapQuery('list_transports', address)).toBe('lmtp:[127.0.0.1]:8024');
      // Its own alias: the domain's catch-all does not take it.
      expect(await postmapQuery('virtual_aliases', address)).toBe(address);
    }
    // The mailboxes' lines are still there: the two backends merge into the same maps.
    expect(await postmapQuery('virtual_aliases', 'alice@listco.example')).toBe('alice@orchestra-mailboxes.invalid');
    expect(await postmapQuery('virtual_aliases', '@listco.example')).toBe('alice@orchestra-mailboxes.invalid');

    const runs = await h.orm.em.fork().find(ScriptRun, {});
    const everything = JSON.stringify(runs.map((r) => [r.script, r.stdout, r.stderr])) + JSON.stringify(await h.orm.em.fork().getConnection().execute('select * from audit_entry'));
    expect(everything).not.toContain(LIST_PASSWORD);
    const row = await h.orm.em.fork().getConnection().execute<{ password_hash: string }[]>("select password_hash from mailing_list where name = 'news'");
    expect(row[0]!.password_hash).toMatch(/^\$6\$/);
  });

  test('a post from a subscriber reaches the other subscriber\'s mailbox through Mailman', async () => {
    await subscribe('alice@listco.example');
    await subscribe('bob@listco.example');
    const bob = (await mail.messages('bob')).length;
    await mail.send({ from: 'alice@listco.example', to: 'news@listco.example', subject: 'first post to the list' });
    const post = await waitForNew('bob', bob, /Subject: (\[News\] )?first post to the list/);
    expect(post).toMatch(/^List-Id: .*<news\.listco\.example>/m);
  });

  test('a password change: the new password logs in on Mailman, the old one no longer does', async () => {
    const updated = await client.data(UpdateMailingListDocument, { input: { id: listId, password: LIST_NEW_PASSWORD } });
    expect(updated.updateMailingList.userErrors).toEqual([]);
    await settled();
    expect(await ownerLogin(LIST_NEW_PASSWORD)).toBe(204);
    expect(await ownerLogin(LIST_PASSWORD)).toBe(403);
  });

  test('a disabled list refuses posts (the sender is told) and is not advertised; enabled again, posts go through', async () => {
    const disabled = await client.data(UpdateMailingListDocument, { input: { id: listId, isActive: false } });
    expect(disabled.updateMailingList.userErrors).toEqual([]);
    await settled();
    const config = (await mailman.api('GET', '/lists/news.listco.example/config')).body;
    expect([config.default_member_action, config.default_nonmember_action, config.advertised]).toEqual(['reject', 'reject', false]);

    const alice = (await mail.messages('alice')).length;
    const bob = (await mail.messages('bob')).length;
    await mail.send({ from: 'alice@listco.example', to: 'news@listco.example', subject: 'while the list is off' });
    const notice = await waitForNew('alice', alice, /rejected/i);
    expect(notice).toContain('while the list is off');
    // The rejection was Mailman's whole answer: the post never reached the other member.
    expect((await mail.messages('bob')).length).toBe(bob);

    const enabled = await client.data(UpdateMailingListDocument, { input: { id: listId, isActive: true } });
    expect(enabled.updateMailingList.userErrors).toEqual([]);
    await settled();
    await mail.send({ from: 'alice@listco.example', to: 'news@listco.example', subject: 'the list is back' });
    await waitForNew('bob', bob, /Subject: (\[News\] )?the list is back/);
  });

  test('a disabled account\'s list refuses posts too; enabled again, it accepts them', async () => {
    expect((await h.admin.data(DisableAccountDocument, { id: accountId })).disableAccount.userErrors).toEqual([]);
    await settled();
    expect((await mailman.api('GET', '/lists/news.listco.example/config')).body.default_member_action).toBe('reject');
    expect((await h.admin.data(EnableAccountDocument, { id: accountId })).enableAccount.userErrors).toEqual([]);
    const login = await h.client.data(LoginDocument, { input: { username: 'listco', password: PASSWORD } });
    client = h.client.as(login.login.token!);
    await settled();
    expect((await mailman.api('GET', '/lists/news.listco.example/config')).body.default_member_action).toBe('defer');
  });

  test('deleting the list removes it from Mailman and every map line of it; the mailboxes\' lines stay', async () => {
    const deleted = await client.data(DeleteMailingListDocument, { id: listId });
    expect(deleted.deleteMailingList.userErrors).toEqual([]);
    await settled();
    expect((await mailman.api('GET', '/lists/news.listco.example')).status).toBe(404);
    const maps = (await host().exec(['cat', '/etc/postfix/orchestra/virtual_aliases', '/etc/postfix/orchestra/list_transports'])).stdout;
    expect(maps).not.toContain('news');
    expect(await postmapQuery('list_transports', 'news@listco.example')).toBeNull();
    expect(await postmapQuery('virtual_aliases', 'bob@listco.example')).toBe('bob@orchestra-mailboxes.invalid');
    expect(await postmapQuery('virtual_domains', 'listco.example')).toBe('final');
  });
});

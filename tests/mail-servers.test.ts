/**
 * Mail on real servers: Postfix and Dovecot (Debian's packages) on a sandboxed host with its own network namespace
 * (tests/support/mail-host.ts), configured by Orchestra through the API, the engine and SSH. Mail is sent over SMTP
 * with swaks to the host's Postfix and found in the mailboxes' Maildirs; logins are checked with `doveadm auth test`
 * and real IMAP logins (curl); the maps with `postmap -q`.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { setMailSettings } from '../src/config/mail-settings.js';
import { dnsSettings, setDnsSettings } from '../src/config/dns-settings.js';
import { ResourceData } from '../src/entities/resources/resource-data.js';
import {
  CreateAddressDocument, CreateDomainDocument, CreateMailboxDocument, CreateResourceDocument, DeleteAddressDocument, DeleteDomainRecordDocument,
  DeleteMailboxDocument, DisableAccountDocument, EnableAccountDocument, LoginDocument, MonitorNowDocument, SetResourceAllocationDocument,
  UpdateAddressDocument, UpdateMailboxDocument,
} from './generated/graphql.js';
import { mailTrafficScript, mailboxDiskScript } from '../src/orchestration/monitors/mail/mail-monitors.js';
import { DnsLan } from './support/dns-lan.js';
import { PASSWORD, accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { mailHostSpec, startMailDaemons, type MailDaemons } from './support/mail-host.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { pollUntil } from './support/resilience.js';

// Each test waits for operations (up to 2 min) and for deliveries (up to 1 min): the waits bound time, never an outcome.
jest.setTimeout(300_000);

const ALICE_PASSWORD = 'alice-first-Passw0rd';
const ALICE_NEW_PASSWORD = 'alice-second-Passw0rd';
const BOB_PASSWORD = 'bob-only-Passw0rd-123';

let lan: DnsLan;
let h: OrchestraHarness;
let mail: MailDaemons;
let client: GraphQLClient;
let accountId: string;
let domainId: string;
let aliceId: string;
let bobId: string;
let lastOperation = '0';

beforeAll(async () => {
  setMailSettings({ defaultQuotaBytes: 50 * 1024 * 1024, trashDir: '/var/mail/orchestra-trash' });
  // Orchestra's MX hosts: a domain whose MX points elsewhere is one this server is only a secondary MX of.
  setDnsSettings({ ...dnsSettings(), defaultMx: ['10 mx1.orchestra.example.'] });
  lan = await DnsLan.start();
  h = await startOrchestraHarness([await mailHostSpec(lan, 'mx1')]);
  mail = await startMailDaemons(h.hosts.mx1!);
  await h.startWorker();
  await h.addServer('mx1', ['dovecot-mailboxes', 'postfix-addresses', 'dovecot-autoresponses']);
  const a = await accountWithUser(h.admin, 'mailco');
  client = a.client;
  accountId = a.account.id;
  const domain = await client.data(CreateDomainDocument, { input: { accountId, name: 'mailco.example' } });
  expect(domain.createDomain.userErrors).toEqual([]);
  domainId = domain.createDomain.domain!.id;
}, 360_000);

afterAll(async () => {
  await mail?.stop();
  await h?.close();
  await lan?.close();
  setMailSettings(undefined);
  setDnsSettings(undefined);
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

const host = () => h.hosts.mx1!.sandbox;
const run = async (...command: string[]) => (await host().exec(command)).stdout.trim();
const fails = (...command: string[]) => host().exec(command).then(() => false, () => true);
/**
 * Reads until Dovecot answers as expected (pollUntil's deadline bounds it). The backend ends its run after Dovecot's
 * once-a-second look at a passwd-file, which the password-change test checks with single reads; these other checks
 * go through IMAP and the quota plugin, and poll.
 */
const loginIs = (login: () => Promise<boolean>, expected: boolean) => pollUntil(`a login to be ${expected}`, login, (ok) => ok === expected, 60_000, 250);
const quotaRule = (user: string, expected: string) =>
  pollUntil(`${user}'s quota rule ${expected}`, () => run('doveadm', 'user', '-f', 'quota_rule', user), (rule) => rule === expected, 60_000, 250);

const authTest = (user: string, password: string) => host().exec(['doveadm', 'auth', 'test', user, password]).then(() => true, () => false);
const postmapQuery = (map: string, key: string) => host().exec(['postmap', '-q', key, `hash:/etc/postfix/orchestra/${map}`]).then((r) => r.stdout.trim(), () => null);

async function createMailbox(name: string, password: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await client.data(CreateMailboxDocument, { input: { accountId, name, password, ...extra } });
  expect(created.createMailbox.userErrors).toEqual([]);
  return created.createMailbox.mailbox!.id;
}

async function createAddress(name: string, mailboxIds: string[], forwards: string[] = []): Promise<string> {
  const created = await client.data(CreateAddressDocument, { input: { domainId, name, mailboxIds, forwards } });
  expect(created.createAddress.userErrors).toEqual([]);
  return created.createAddress.address!.id;
}

describe('mailboxes and addresses on Postfix and Dovecot', () => {
  test('a message sent over SMTP to an address lands in its mailbox; the password is a hash everywhere', async () => {
    aliceId = await createMailbox('alice', ALICE_PASSWORD);
    await createAddress('info', [aliceId]);
    await settled();

    expect(await postmapQuery('virtual_aliases', 'info@mailco.example')).toBe('alice@orchestra-mailboxes.invalid');
    expect(await postmapQuery('virtual_domains', 'mailco.example')).toBe('final');
    expect(await loginIs(() => authTest('alice', ALICE_PASSWORD), true)).toBe(true);
    expect(await loginIs(() => authTest('alice', 'not-the-password'), false)).toBe(false);
    expect(await loginIs(() => mail.imapLogin('alice', ALICE_PASSWORD), true)).toBe(true);

    await mail.send({ from: 'someone@sender.example', to: 'info@mailco.example', subject: 'first message' });
    const [message] = await mail.waitForMessages('alice', 1);
    expect(message).toContain('Subject: first message');
    expect(await run('stat', '-c', '%U', '/var/mail/orchestra/alice/Maildir')).toBe('vmail');

    // The clear password is nowhere: not in the database, the scripts, their output, the server's files.
    const row = await h.orm.em.fork().getConnection().execute<{ password_hash: string }[]>("select password_hash from mailbox where name = 'alice'");
    expect(row[0]!.password_hash).toMatch(/^\{SHA512-CRYPT\}\$6\$/);
    const runs = await h.orm.em.fork().find(ScriptRun, {});
    const everything = JSON.stringify(runs.map((r) => [r.script, r.stdout, r.stderr])) + JSON.stringify(await h.orm.em.fork().getConnection().execute('select * from audit_entry'));
    expect(everything).not.toContain(ALICE_PASSWORD);
    expect(await run('bash', '-c', `grep -rlF -- "$1" /etc /var/lib/orchestra /var/log || true`, '-', ALICE_PASSWORD)).toBe('');
  });

  test('mail from an SMTP client to the internal delivery domain is refused; through an address it is delivered', async () => {
    const before = (await mail.messages('alice')).length;
    const refused = await host().exec(['swaks', '--server', '127.0.0.1', '--port', '25', '--from', 'someone@sender.example', '--to', 'alice@orchestra-mailboxes.invalid'])
      .then((r) => ({ code: 0, out: r.stdout }), (e: { stdout?: string; message: string }) => ({ code: 1, out: e.stdout ?? e.message }));
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/<\*\* +554 5\.1\.1 <alice@orchestra-mailboxes\.invalid>: Recipient address rejected: internal delivery domain/);
    await mail.send({ from: 'someone@sender.example', to: 'info@mailco.example', subject: 'through the address' });
    const messages = await mail.waitForMessages('alice', before + 1);
    expect(messages.join()).toContain('Subject: through the address');
    expect(messages.join()).not.toContain('internal delivery domain');
  });

  test('a password change is effective when its run is SUCCESS: checked once, right after each of three changes', async () => {
    // Dovecot looks at a passwd-file at most once a second and tells a change by mtime (whole seconds) and size: a new
    // hash (same length) written in the second of a lookup was not seen (the lookup before each change makes sure
    // Dovecot read the file just now). The backend makes the file newer and ends its run after that second.
    const passwords = [ALICE_NEW_PASSWORD, ALICE_PASSWORD, ALICE_NEW_PASSWORD];
    let previous = ALICE_PASSWORD;
    for (const password of passwords) {
      expect(await authTest('alice', previous)).toBe(true);
      const updated = await client.data(UpdateMailboxDocument, { input: { id: aliceId, password } });
      expect(updated.updateMailbox.userErrors).toEqual([]);
      await settled();
      expect([await authTest('alice', password), await authTest('alice', previous)]).toEqual([true, false]);
      previous = password;
    }
    const back = await client.data(UpdateMailboxDocument, { input: { id: aliceId, password: ALICE_PASSWORD } });
    expect(back.updateMailbox.userErrors).toEqual([]);
    await settled();

    // The same on the server alone, without the API's seconds in between (under load those hid it): a lookup, the
    // run's own script, a lookup at once. Before the fix, the second lookup still took the old password.
    const [toOld, toNew] = (await h.orm.em.fork().find(ScriptRun, { backend: 'dovecot-mailboxes' }, { orderBy: { id: 'desc' }, limit: 2 })).map((r) => r.script);
    const flips: [string, string, string][] = [[toNew!, ALICE_PASSWORD, ALICE_NEW_PASSWORD], [toOld!, ALICE_NEW_PASSWORD, ALICE_PASSWORD]];
    for (const [script, from, to] of [...flips, ...flips]) {
      const outcome = await host().exec(['bash', '-c', 'doveadm auth test alice "$1" >/dev/null || exit 10; bash -s >/dev/null || exit 11; doveadm auth test alice "$2" >/dev/null || exit 12', '-', from, to], script)
        .then(() => 'logged in with the new password', (e: Error) => e.message);
      expect(outcome).toBe('logged in with the new password');
    }
  });

  test('a password change: the new password logs in, the old one no longer does', async () => {
    const updated = await client.data(UpdateMailboxDocument, { input: { id: aliceId, password: ALICE_NEW_PASSWORD } });
    expect(updated.updateMailbox.userErrors).toEqual([]);
    await settled();
    expect(await loginIs(() => authTest('alice', ALICE_NEW_PASSWORD), true)).toBe(true);
    expect(await loginIs(() => authTest('alice', ALICE_PASSWORD), false)).toBe(false);
    expect(await loginIs(() => mail.imapLogin('alice', ALICE_PASSWORD), false)).toBe(false);
  });

  test('an address delivers into two mailboxes and forwards; a catch-all catches the rest', async () => {
    bobId = await createMailbox('bob', BOB_PASSWORD);
    await createAddress('team', [aliceId], ['bob-forward@mailco.example']);
    await createAddress('bob-forward', [bobId]);
    await createAddress('', [bobId]);
    await settled();
    expect(await postmapQuery('virtual_aliases', 'team@mailco.example')).toBe('alice@orchestra-mailboxes.invalid, bob-forward@mailco.example');
    expect(await postmapQuery('virtual_aliases', '@mailco.example')).toBe('bob@orchestra-mailboxes.invalid');

    const aliceBefore = (await mail.messages('alice')).length;
    await mail.send({ from: 'someone@sender.example', to: 'team@mailco.example', subject: 'for the team' });
    const bobs = await mail.waitForMessages('bob', 1);
    expect(bobs.join()).toContain('Subject: for the team');
    const alices = await mail.waitForMessages('alice', aliceBefore + 1);
    expect(alices.join()).toContain('Subject: for the team');

    await mail.send({ from: 'someone@sender.example', to: 'nobody-in-particular@mailco.example', subject: 'caught by the catch-all' });
    expect((await mail.waitForMessages('bob', 2)).join()).toContain('Subject: caught by the catch-all');
  });

  test('an address created in the same second as the map a daemon has open is resolved at once, not by the catch-all', async () => {
    // Postfix's daemons notice a changed map by its index's whole-second mtime or by the index being replaced. A cleanup
    // daemon opens the current index (a message through it); the new address's index is then given the old index's
    // mtime, as when both are written in one second (CI hit it by chance: the autoresponse test's message went to the
    // catch-all). An index rewritten in place is then never noticed; a replaced one always is.
    const index = '/etc/postfix/orchestra/virtual_aliases.db';
    const alice = (await mail.messages('alice')).length;
    const bob = (await mail.messages('bob')).length;
    await mail.send({ from: 'someone@sender.example', to: 'info@mailco.example', subject: 'opens the map' });
    await mail.waitForMessages('alice', alice + 1);
    const mtime = await run('stat', '-c', '%Y', index);
    const id = await createAddress('same-second', [aliceId]);
    await settled();
    await run('touch', '-m', '-d', `@${mtime}`, index);
    await mail.send({ from: 'someone@sender.example', to: 'same-second@mailco.example', subject: 'to the new address' });
    expect((await mail.waitForMessages('alice', alice + 2)).join()).toContain('Subject: to the new address');
    expect((await mail.messages('bob')).length).toBe(bob);
    const removed = await client.data(DeleteAddressDocument, { id });
    expect(removed.deleteAddress.userErrors).toEqual([]);
    await settled();
  });

  test('an autoresponse answers the first message from a sender, not the second; the subject arrives as written', async () => {
    const subject = 'Out: "now" $(id) `id` \\ it\'s';
    const created = await client.data(CreateAddressDocument, {
      input: { domainId, name: 'away', mailboxIds: [aliceId], autoresponse: { subject, message: 'Back on Monday.\nRegards', from: '2020-01-01', until: '2999-12-31', days: 7 } },
    });
    expect(created.createAddress.userErrors).toEqual([]);
    await settled();
    expect(await postmapQuery('virtual_aliases', 'away@mailco.example')).toMatch(/^_autoresponse\.\d+@orchestra-mailboxes\.invalid, alice@orchestra-mailboxes\.invalid$/);
    const alice = (await mail.messages('alice')).length;
    const bob = (await mail.messages('bob')).length;
    await mail.send({ from: 'bob-forward@mailco.example', to: 'away@mailco.example', subject: 'are you there?' });
    const answers = await mail.waitForMessages('bob', bob + 1);
    const answer = answers.find((m) => m.includes('Auto-Submitted: auto-replied'))!;
    expect(answer).toMatch(/^From: <?away@mailco\.example>?$/m);
    // Pigeonhole writes the subject as an RFC 2047 word when it must; either way it is one header, as written.
    const header = /^Subject: (.*)$/m.exec(answer)![1]!;
    expect(header.startsWith('=?') ? Buffer.from(/=\?utf-8\?[bB]\?(.*)\?=/i.exec(header)![1]!, 'base64').toString() : header).toBe(subject);
    expect(answer).toContain('Back on Monday.');

    await mail.send({ from: 'bob-forward@mailco.example', to: 'away@mailco.example', subject: 'still there?' });
    await mail.waitForMessages('alice', alice + 2);
    // The autoresponder has seen the second message when Dovecot logs its decision not to answer again.
    const deadline = Date.now() + 60_000;
    while (!/discarded duplicate vacation response to <bob-forward@mailco.example>/.test(mail.dovecotLog())) {
      if (Date.now() > deadline) throw new Error(`no vacation decision logged:\n${mail.dovecotLog()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await mail.messages('bob')).length).toBe(bob + 1);
  });

  test('a custom Sieve script files a message into a folder; spam goes to the Spam folder', async () => {
    const sieve = 'require ["fileinto", "mailbox"];\nif header :contains "subject" "invoice" {\n  fileinto :create "Invoices";\n}\n';
    const updated = await client.data(UpdateMailboxDocument, { input: { id: bobId, customSieve: sieve } });
    expect(updated.updateMailbox.userErrors).toEqual([]);
    await settled();
    await mail.send({ from: 'shop@sender.example', to: 'bob-forward@mailco.example', subject: 'your invoice 42' });
    expect((await mail.waitForMessages('bob', 1, '.Invoices')).join()).toContain('Subject: your invoice 42');
    await mail.send({ from: 'spammer@sender.example', to: 'bob-forward@mailco.example', subject: 'cheap things', headers: ['X-Spam-Flag: YES'] });
    expect((await mail.waitForMessages('bob', 1, '.Spam')).join()).toContain('Subject: cheap things');
  });

  test('a broken Sieve script is a userError on the field and changes nothing on the server', async () => {
    const before = await run('cat', '/var/mail/orchestra/bob/sieve/custom.sieve');
    const operations = await h.orm.em.fork().count(Operation, {});
    const updated = await client.data(UpdateMailboxDocument, { input: { id: bobId, customSieve: 'require ["fileinto"];\nif true { fileintoo "x"; }\n' } });
    expect(updated.updateMailbox.userErrors).toEqual([
      expect.objectContaining({ field: 'input.customSieve', message: expect.stringMatching(/line 2: error: unknown command 'fileintoo'/) }),
    ]);
    expect(await h.orm.em.fork().count(Operation, {})).toBe(operations);
    expect(await run('cat', '/var/mail/orchestra/bob/sieve/custom.sieve')).toBe(before);
  });

  test('a full mailbox defers delivery (temporary failure) and receives it once the quota grows', async () => {
    setMailSettings({ defaultQuotaBytes: 1024, trashDir: '/var/mail/orchestra-trash' });
    await client.data(UpdateMailboxDocument, { input: { id: aliceId, spamFilter: 'DISABLED' as never } });
    await settled();
    expect(await quotaRule('alice', '*:storage=1024B')).toBe('*:storage=1024B');
    const before = (await mail.messages('alice')).length;
    await mail.send({ from: 'someone@sender.example', to: 'info@mailco.example', subject: 'too big', body: 'x'.repeat(4000) });
    const deadline = Date.now() + 60_000;
    while (!/to=<alice@orchestra-mailboxes.invalid>.*status=deferred.*(Quota|quota)/.test(await mail.mailLog())) {
      if (Date.now() > deadline) throw new Error(`no deferral:\n${(await mail.mailLog()).slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await mail.messages('alice')).length).toBe(before);

    setMailSettings({ defaultQuotaBytes: 50 * 1024 * 1024, trashDir: '/var/mail/orchestra-trash' });
    await client.data(UpdateMailboxDocument, { input: { id: aliceId, spamFilter: 'MOVE_TO_SPAM' as never } });
    await settled();
    // The sender's server (here the same Postfix) retries deferred mail: asked to now, until it arrives.
    const until = Date.now() + 60_000;
    while ((await mail.messages('alice')).length < before + 1 && Date.now() < until) {
      await run('postqueue', '-f');
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect((await mail.waitForMessages('alice', before + 1)).join()).toContain('Subject: too big');
  });

  test('a disabled account: IMAP login refused, mail still delivered; enabled again: the same password logs in', async () => {
    const disabled = await h.admin.data(DisableAccountDocument, { id: accountId });
    expect(disabled.disableAccount.userErrors).toEqual([]);
    await settled();
    expect(await loginIs(() => mail.imapLogin('bob', BOB_PASSWORD), false)).toBe(false);
    const before = (await mail.messages('bob')).length;
    await mail.send({ from: 'someone@sender.example', to: 'bob-forward@mailco.example', subject: 'while disabled' });
    expect((await mail.waitForMessages('bob', before + 1)).join()).toContain('Subject: while disabled');

    const enabled = await h.admin.data(EnableAccountDocument, { id: accountId });
    expect(enabled.enableAccount.userErrors).toEqual([]);
    // Disabling ended the account's sessions: its user logs in again.
    const login = await h.client.data(LoginDocument, { input: { username: 'mailco', password: PASSWORD } });
    client = h.client.as(login.login.token!);
    await settled();
    expect(await loginIs(() => mail.imapLogin('bob', BOB_PASSWORD), true)).toBe(true);
  });

  test('monitors: mailbox disk is the Maildir\'s du; monthly traffic counts each delivery once, across a log rotation', async () => {
    const monitor = async (script: string) => {
      const result = await host().bash(script);
      expect([result.code, result.stderr]).toEqual([0, '']);
      return Object.fromEntries(result.stdout.trim().split('\n').map((line) => line.split(' ')).map(([name, value]) => [name, Number(value)]));
    };
    const disk = await monitor(mailboxDiskScript());
    expect(Object.keys(disk).sort()).toEqual(['alice', 'bob']);
    expect(disk.alice).toBe(Number((await run('du', '-s', '--bytes', '/var/mail/orchestra/alice/Maildir')).split('\t')[0]));

    /** The size Postfix logged for the last message delivered to `address`. */
    const loggedSize = async (address: string) => {
      const log = (await run('bash', '-c', 'cat /var/log/mail.log.* /var/log/mail.log 2>/dev/null; true')).split('\n');
      const id = /: ([0-9A-F]+): to=/.exec(log.filter((l) => l.includes(`orig_to=<${address}>`) && l.includes('status=sent')).at(-1)!)![1];
      return Number(/size=(\d+)/.exec(log.find((l) => l.includes(`${id}: from=`))!)![1]);
    };
    const before = await monitor(mailTrafficScript());
    expect(before.alice).toBeGreaterThan(0);
    const alice = (await mail.messages('alice')).length;
    await mail.send({ from: 'someone@sender.example', to: 'info@mailco.example', subject: 'counted once', body: 'y'.repeat(3000) });
    await mail.waitForMessages('alice', alice + 1);
    const first = await monitor(mailTrafficScript());
    expect(first.alice! - before.alice!).toBe(await loggedSize('info@mailco.example'));
    expect(await monitor(mailTrafficScript())).toEqual(first);

    // A rotation as logrotate does it: the log renamed, then Postfix told to open a new one.
    await run('bash', '-c', 'mv /var/log/mail.log /var/log/mail.log.1 && postfix reload');
    await mail.send({ from: 'someone@sender.example', to: 'info@mailco.example', subject: 'after the rotation', body: 'z'.repeat(5000) });
    await mail.waitForMessages('alice', alice + 2);
    const second = await monitor(mailTrafficScript());
    expect(second.alice! - first.alice!).toBe(await loggedSize('info@mailco.example'));
    expect(await monitor(mailTrafficScript())).toEqual(second);
  });

  test('the quota is the mailbox\'s disk allocation: set, then changed, Dovecot\'s quota follows; mailbox-disk measures the Maildir', async () => {
    const created = await h.admin.data(CreateResourceDocument, {
      input: { name: 'disk', model: 'Mailbox' as never, aggregation: 'LAST' as never, unit: 'KiB', scale: '2**10', monitors: ['mailbox-disk'] },
    });
    expect(created.createResource.userErrors).toEqual([]);
    const resourceId = created.createResource.resource!.id;
    const traffic = await h.admin.data(CreateResourceDocument, {
      input: { name: 'traffic', model: 'Mailbox' as never, aggregation: 'MONTHLY_SUM' as never, unit: 'B', monitors: ['mail-traffic'] },
    });
    expect(traffic.createResource.userErrors).toEqual([]);
    await settled();
    // No allocation and no default: the configured quota still.
    expect(await quotaRule('alice', `*:storage=${50 * 1024 * 1024}B`)).toBe(`*:storage=${50 * 1024 * 1024}B`);

    const set = await h.admin.data(SetResourceAllocationDocument, { input: { resourceId, objectId: aliceId, allocated: 4 } });
    expect(set.setResourceAllocation.userErrors).toEqual([]);
    await settled();
    expect(await quotaRule('alice', '*:storage=4096B')).toBe('*:storage=4096B');
    const grown = await h.admin.data(SetResourceAllocationDocument, { input: { resourceId, objectId: aliceId, allocated: 100_000 } });
    expect(grown.setResourceAllocation.userErrors).toEqual([]);
    await settled();
    expect(await quotaRule('alice', '*:storage=102400000B')).toBe('*:storage=102400000B');

    const monitored = await h.admin.data(MonitorNowDocument, { resourceId, objectIds: [aliceId] });
    expect(monitored.monitorNow.userErrors).toEqual([]);
    const aliceRow = Buffer.from(aliceId, 'base64url').toString().split(':')[1]!;
    const deadline = Date.now() + 120_000;
    let data: ResourceData | null = null;
    while (!(data = await h.orm.em.fork().findOne(ResourceData, { model: 'Mailbox', objectId: aliceRow, used: { $ne: null } }, { filters: false }))) {
      if (Date.now() > deadline) throw new Error('the mailbox-disk run stored no usage in 120 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const bytes = Number((await run('du', '-s', '--bytes', '/var/mail/orchestra/alice/Maildir')).split('\t')[0]);
    expect(data.used).toBeCloseTo(bytes / 1024, 6);
  });

  test('an autoresponse outside its window does not answer; the message is still delivered', async () => {
    const created = await client.data(CreateAddressDocument, {
      input: { domainId, name: 'late', mailboxIds: [aliceId], autoresponse: { subject: 'Gone', message: 'Away in 2020 only.', from: '2020-01-01', until: '2020-12-31', days: 1 } },
    });
    expect(created.createAddress.userErrors).toEqual([]);
    await settled();
    const user = /(_autoresponse\.\d+)@/.exec((await postmapQuery('virtual_aliases', 'late@mailco.example'))!)![1]!;
    const alice = (await mail.messages('alice')).length;
    const bob = (await mail.messages('bob')).length;
    await mail.send({ from: 'bob-forward@mailco.example', to: 'late@mailco.example', subject: 'anyone there in 2026?' });
    await mail.waitForMessages('alice', alice + 1);
    // The autoresponder has run its script on the message when Dovecot logs the discard that ends it.
    const discarded = new RegExp(`lmtp\\(${user.replace('.', '\\.')}\\).*discard`, 'i');
    const deadline = Date.now() + 60_000;
    while (!discarded.test(mail.dovecotLog())) {
      if (Date.now() > deadline) throw new Error(`no script run logged for ${user}:\n${mail.dovecotLog()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(mail.dovecotLog()).not.toMatch(new RegExp(`lmtp\\(${user.replace('.', '\\.')}\\).*vacation`, 'i'));
    expect((await mail.messages('bob')).length).toBe(bob);
    const removed = await client.data(DeleteAddressDocument, { id: created.createAddress.address!.id });
    expect(removed.deleteAddress.userErrors).toEqual([]);
    await settled();
  });

  test('a domain whose MX points elsewhere is a relay domain (secondary MX) with its aliases; its MX removed, it is a virtual domain', async () => {
    const domain = await client.data(CreateDomainDocument, { input: { accountId, name: 'backup.example', records: [{ type: 'MX' as never, value: '10 mx.elsewhere.example.' }] } });
    expect(domain.createDomain.userErrors).toEqual([]);
    const mx = domain.createDomain.domain!.records.find((r) => r.type === 'MX')!;
    const sales = await client.data(CreateAddressDocument, { input: { domainId: domain.createDomain.domain!.id, name: 'sales', mailboxIds: [aliceId] } });
    expect(sales.createAddress.userErrors).toEqual([]);
    await settled();
    expect(await postmapQuery('relay_domains', 'backup.example')).toBe('secondary-mx');
    expect(await postmapQuery('virtual_domains', 'backup.example')).toBeNull();
    const before = (await mail.messages('alice')).length;
    await mail.send({ from: 'someone@sender.example', to: 'sales@backup.example', subject: 'to the secondary mx' });
    expect((await mail.waitForMessages('alice', before + 1)).join()).toContain('Subject: to the secondary mx');

    // The zone's change re-saves its addresses: the domain moves to the virtual domains.
    const removed = await client.data(DeleteDomainRecordDocument, { id: mx.id });
    expect(removed.deleteDomainRecord.userErrors).toEqual([]);
    await settled();
    expect(await postmapQuery('virtual_domains', 'backup.example')).toBe('final');
    expect(await postmapQuery('relay_domains', 'backup.example')).toBeNull();
    const deleted = await client.data(DeleteAddressDocument, { id: sales.createAddress.address!.id });
    expect(deleted.deleteAddress.userErrors).toEqual([]);
    await settled();
    expect(await postmapQuery('virtual_domains', 'backup.example')).toBeNull();
  });

  test('deleting addresses and a mailbox leaves no map line and no Dovecot user (nor autoresponder); the mail goes to the trash', async () => {
    const team = await client.data(UpdateAddressDocument, { input: { id: (await findAddressId('team'))!, mailboxIds: [], forwards: ['someone@elsewhere.example'] } });
    expect(team.updateAddress.userErrors).toEqual([]);
    const deleted = await client.data(DeleteMailboxDocument, { id: bobId });
    expect(deleted.deleteMailbox.userErrors).toEqual([]);
    await settled();
    // bob-forward and the catch-all had only bob: they went with it.
    expect(await postmapQuery('virtual_aliases', 'bob-forward@mailco.example')).toBeNull();
    expect(await postmapQuery('virtual_aliases', '@mailco.example')).toBeNull();
    expect(await fails('doveadm', 'user', 'bob')).toBe(true);
    expect(await run('bash', '-c', 'ls /var/mail/orchestra-trash')).toMatch(/^bob\.\d{8}T\d{6}Z$/);
    expect(await fails('test', '-e', '/var/mail/orchestra/bob')).toBe(true);

    const autoresponder = `_autoresponse.${Buffer.from((await findAddressId('away'))!, 'base64url').toString().split(':')[1]}`;
    expect(await fails('doveadm', 'user', autoresponder)).toBe(false);
    for (const name of ['info', 'team', 'away']) {
      const removed = await client.data(DeleteAddressDocument, { id: (await findAddressId(name))! });
      expect(removed.deleteAddress.userErrors).toEqual([]);
    }
    await settled();
    expect(await run('cat', '/etc/postfix/orchestra/virtual_aliases')).toBe('');
    expect(await fails('doveadm', 'user', autoresponder)).toBe(true);
    expect(await fails('test', '-e', `/var/mail/orchestra/${autoresponder}`)).toBe(true);
    // The domain had no address left: it is no longer served.
    expect(await postmapQuery('virtual_domains', 'mailco.example')).toBeNull();

    // The same on the server alone: a lookup, the run's own delete script, a lookup at once (CI's failure: Dovecot
    // answered from the passwd-file it read in that second, and the run had not waited for its next look).
    const scripts = await h.orm.em.fork().find(ScriptRun, { backend: 'dovecot-autoresponses' }, { orderBy: { id: 'asc' } });
    const save = scripts.find((r) => r.script.includes('save_autoresponder ') && r.script.includes(autoresponder))!.script;
    const remove = scripts.findLast((r) => r.script.includes('delete_autoresponder ') && r.script.includes(autoresponder))!.script;
    for (let i = 0; i < 3; i++) {
      await host().exec(['bash', '-s'], save);
      const outcome = await host().exec(['bash', '-c', 'doveadm user "$1" >/dev/null || exit 10; bash -s >/dev/null || exit 11; doveadm user "$1" >/dev/null 2>&1 && exit 12; exit 0', '-', autoresponder], remove)
        .then(() => 'gone when its run ended', (e: Error) => e.message);
      expect(outcome).toBe('gone when its run ended');
    }
  });
});

async function findAddressId(name: string): Promise<string | undefined> {
  const rows = await h.orm.em.fork().getConnection().execute<{ id: string }[]>('select id from address where name = ?', [name]);
  const id = rows[0]?.id;
  return id === undefined ? undefined : Buffer.from(`Address:${id}`).toString('base64url');
}

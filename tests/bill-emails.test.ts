/**
 * Bills e-mailed through the durable queue (issue 13, item 4), end to end on real parts: the API closes a bill, the
 * `bill_email` row commits with the close, a real Temporal worker sends it with nodemailer to a real SMTP server on
 * loopback (tests/support/smtp-sink.ts), and the PDF that arrives is read back with pdftotext. An outage of the SMTP
 * server is retried until it is back, and a send the server accepted is never repeated.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { addMonths, dayOf } from '../src/billing/orders/calendar.js';
import { BillEmail, BillEmailState } from '../src/entities/bills/bill-email.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { BILL_EMAIL_WORKFLOW } from '../src/workflows/contracts/bill-email.js';
import { billEmailWorkflowId } from '../src/workflows/contracts/workflow-ids.js';
import type { billEmailWorkflow } from '../src/workflows/bill-email.js';
import type { outboxRelayWorkflow } from '../src/workflows/outbox-relay.js';
import {
  BillEmailsDocument, BillOrdersDocument, BillsDocument, CloseBillDocument, CreateBillingServiceDocument, CreateContactDocument,
  CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, SendBillDocument, SetBillContactDocument,
} from './generated/graphql.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { pollUntil } from './support/resilience.js';
import { startSmtpSink, type SinkMessage, type SmtpSink } from './support/smtp-sink.js';

let h: OrchestraHarness;
let sink: SmtpSink;
/** Every message any sink of this file accepted (a sink restarted after an outage is a new process). */
const accepted: SinkMessage[] = [];
let kindId: string;
const nextYear = addMonths(dayOf(new Date()), 12);

beforeAll(async () => {
  sink = await startSmtpSink();
  h = await startOrchestraHarness([], {
    config: { ORCHESTRA_SMTP_URL: sink.url, ORCHESTRA_MAIL_FROM: 'billing@example.net' },
  });
  await h.startWorker();
  kindId = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'mailhosting', hasAmount: true } })).createMiscellaneousKind.kind!.id;
  const created = await h.admin.data(CreateBillingServiceDocument, {
    input: { description: 'Mail hosting', model: 'Miscellaneous', match: 'miscellaneous.kind.name == "mailhosting"', nominalPrice: '10', taxRate: '21', billingPeriod: 'ANNUAL', ignoredAccountTypes: [] },
  });
  expect(created.createService.userErrors).toEqual([]);
}, 240_000);

afterAll(async () => {
  await h?.stopWorker();
  await h?.close();
  await sink?.close();
});

const messagesTo = (address: string) => [...accepted, ...sink.messages.filter((m) => !accepted.includes(m))].filter((m) => m.to.includes(address));

/** An account with one billed item on its open invoice, its billing contact, and contacts with and without a billing e-mail. */
async function customer(username: string, billingEmail = true): Promise<{ accountId: string; billId: string; client: GraphQLClient; address: string }> {
  const { account, client } = await accountWithUser(h.admin, username);
  const item = await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: account.id, kindId, amount: 1, description: `mail for ${username}` } });
  expect(item.createMiscellaneous.userErrors).toEqual([]);
  const set = await h.admin.data(SetBillContactDocument, { input: { accountId: account.id, name: `${username} S.L.`, address: 'Carrer Major 1', city: 'Barcelona', zipcode: '08001', country: 'ES' } });
  expect(set.setBillContact.userErrors).toEqual([]);
  const address = `accounts@${username}.example.org`;
  const tech = await h.admin.data(CreateContactDocument, { input: { accountId: account.id, shortName: 'Tech', email: `tech@${username}.example.org`, emailUsages: ['TECH'] } });
  expect(tech.createContact.userErrors).toEqual([]);
  if (billingEmail) {
    const billing = await h.admin.data(CreateContactDocument, { input: { accountId: account.id, shortName: 'Accounts', email: address, emailUsages: ['BILLING', 'ADMIN'] } });
    expect(billing.createContact.userErrors).toEqual([]);
  }
  const billed = await h.admin.data(BillOrdersDocument, { input: { accountIds: [account.id], billingPoint: nextYear, fixedPoint: true } });
  expect(billed.billOrders.userErrors).toEqual([]);
  const bills = (await h.admin.data(BillsDocument, { filter: { accountId: account.id }, first: 5 })).bills.nodes;
  return { accountId: account.id, billId: bills[0]!.id, client, address };
}

async function closeBill(billId: string): Promise<string> {
  const closed = await h.admin.data(CloseBillDocument, { id: billId });
  expect(closed.closeBill.userErrors).toEqual([]);
  return closed.closeBill.bill!.number!;
}

const emailsOf = async (billId: string) => (await h.admin.data(BillEmailsDocument, { id: billId })).bill;

/** The header's value in a received message (unfolded). */
function header(message: SinkMessage, name: string): string | undefined {
  const head = message.data.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1]?.trim();
}

/** The text of the message's PDF attachment, by pdftotext. */
function attachedPdfText(message: SinkMessage): string {
  const part = /Content-Type: application\/pdf[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(message.data);
  expect(part).not.toBeNull();
  const pdf = Buffer.from(part![1]!.replace(/\s+/g, ''), 'base64');
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();
}

describe('bill e-mails', () => {
  test('closing a bill e-mails its PDF (number, line, totals) to the billing contacts once, and records the send', async () => {
    const c = await customer('mailco');
    const number = await closeBill(c.billId);
    const [message] = await pollUntil(`the e-mail of ${number}`, async () => messagesTo(c.address), (m) => m.length > 0, 120_000);
    expect(message!.to).toEqual([c.address]);
    expect(message!.from).toBe('billing@example.net');
    expect(header(message!, 'Subject')).toBe(`Orchestra hosting: Invoice ${number}`);
    const text = attachedPdfText(message!);
    expect(text).toContain(number);
    expect(text).toContain('mail for mailco');
    expect(text).toMatch(/Total\s+12\.10/);
    expect(text).toContain('2.10');

    const bill = await pollUntil('the send recorded', () => emailsOf(c.billId), (b) => b.emails?.[0]?.state === 'SENT');
    expect(bill.isSent).toBe(true);
    expect(bill.emails).toEqual([
      expect.objectContaining({ recipients: [c.address], state: 'SENT', attempts: 1, lastError: null, requestedBy: 'admin', messageId: header(message!, 'Message-ID') }),
    ]);
    expect(bill.emails![0]!.smtpResponse).toMatch(/^250/);
    expect(messagesTo(c.address)).toHaveLength(1);
    expect(messagesTo(`tech@mailco.example.org`)).toHaveLength(0);
  }, 300_000);

  test('an SMTP outage is retried with backoff; once the server is back the bill is sent exactly once', async () => {
    const c = await customer('outageco');
    const port = sink.port;
    accepted.push(...sink.messages);
    await sink.close();
    const number = await closeBill(c.billId);
    // A third attempt under way means two have failed (an attempt is counted when it starts).
    const failing = await pollUntil('two failed attempts', () => emailsOf(c.billId), (b) => (b.emails?.[0]?.attempts ?? 0) >= 3);
    expect(failing.emails![0]).toMatchObject({ state: 'QUEUED', lastError: expect.stringMatching(/SMTP/) });
    expect(failing.isSent).toBe(false);

    sink = await startSmtpSink(port);
    const sent = await pollUntil(`${number} sent after the outage`, () => emailsOf(c.billId), (b) => b.emails?.[0]?.state === 'SENT', 180_000);
    expect(sent.emails![0]!.attempts).toBeGreaterThanOrEqual(3);
    expect(sent.emails![0]!.lastError).toBeNull();
    const received = messagesTo(c.address);
    expect(received).toHaveLength(1);
    expect(header(received[0]!, 'Message-ID')).toBe(sent.emails![0]!.messageId);
    expect(attachedPdfText(received[0]!)).toContain(number);
  }, 300_000);

  test('a send the server accepted is not repeated by a later attempt (a worker restarted before Temporal heard of it)', async () => {
    const c = await customer('onceco');
    await closeBill(c.billId);
    const sent = await pollUntil('the send recorded', () => emailsOf(c.billId), (b) => b.emails?.[0]?.state === 'SENT');
    const emailId = idOf('BillEmail', sent.emails![0]!.id);
    // What a retry after a worker restart does: the same workflow (its id is the row's) runs its activity again.
    await h.stopWorker();
    await h.startWorker();
    const workflowId = billEmailWorkflowId(h.config.temporalTaskQueue, emailId);
    // The run that sent it may not have reported yet when the worker stopped: the new worker finishes it.
    expect(await h.temporal.workflow.getHandle<typeof billEmailWorkflow>(workflowId).result()).toBe('SENT');
    const again = await h.temporal.workflow.execute<typeof billEmailWorkflow>(BILL_EMAIL_WORKFLOW, { workflowId, taskQueue: h.config.temporalTaskQueue, args: [emailId] });
    expect(again).toBe('SENT');
    expect(messagesTo(c.address)).toHaveLength(1);
    const row = await h.orm.em.fork().findOneOrFail(BillEmail, { id: emailId });
    expect([row.state, row.attempts]).toEqual([BillEmailState.SENT, 1]);
  }, 300_000);

  test('an e-mail committed while Temporal could not be reached is started by the outbox relay', async () => {
    const c = await customer('relayco');
    await closeBill(c.billId);
    await pollUntil('the first send', () => emailsOf(c.billId), (b) => b.emails?.[0]?.state === 'SENT');
    // A second e-mail as a crash between commit and start leaves it: committed, never started.
    const em = h.orm.em.fork();
    await em.execute(
      `insert into bill_email (created_at, updated_at, bill_id, recipients, requested_by) values (now() - interval '1 minute', now(), ?, array[?]::text[], 'test')`,
      [idOf('Bill', c.billId), c.address],
    );
    await h.temporal.workflow.execute<typeof outboxRelayWorkflow>('outboxRelayWorkflow', { workflowId: `relay-${Date.now()}`, taskQueue: h.config.temporalTaskQueue });
    const both = await pollUntil('the relayed send', () => emailsOf(c.billId), (b) => b.emails?.length === 2 && b.emails.every((e) => e.state === 'SENT'));
    expect(new Set(both.emails!.map((e) => e.messageId)).size).toBe(2);
    expect(messagesTo(c.address)).toHaveLength(2);
  }, 300_000);

  test('sendBill sends a closed bill again; an open bill or no billing address is a userError that queues nothing', async () => {
    const c = await customer('resendco');
    const open = await h.admin.data(SendBillDocument, { id: c.billId });
    expect(open.sendBill.userErrors).toEqual([{ field: 'id', message: 'is open: only a closed bill is sent', code: 'NOT_ALLOWED' }]);
    expect((await emailsOf(c.billId)).emails).toEqual([]);
    await closeBill(c.billId);
    await pollUntil('the first send', () => emailsOf(c.billId), (b) => b.emails?.[0]?.state === 'SENT');
    const resent = await h.admin.data(SendBillDocument, { id: c.billId });
    expect(resent.sendBill.userErrors).toEqual([]);
    expect(resent.sendBill.email).toMatchObject({ recipients: [c.address], state: 'QUEUED' });
    await pollUntil('the second send', () => emailsOf(c.billId), (b) => b.emails?.length === 2 && b.emails.every((e) => e.state === 'SENT'));
    expect(messagesTo(c.address)).toHaveLength(2);

    const silent = await customer('silentco', false);
    await closeBill(silent.billId);
    expect((await emailsOf(silent.billId)).emails).toEqual([]);
    const refused = await h.admin.data(SendBillDocument, { id: silent.billId });
    expect(refused.sendBill.userErrors).toEqual([{ field: 'id', message: 'its account has no contact whose e-mail is for billing', code: 'NOT_ALLOWED' }]);
    expect(await h.orm.em.fork().count(BillEmail, { bill: idOf('Bill', silent.billId) })).toBe(0);
  }, 300_000);

  test('account users may neither send bills nor see their e-mails', async () => {
    const c = await customer('privateco');
    await closeBill(c.billId);
    const send = await c.client.request(SendBillDocument, { id: c.billId });
    expect(send.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = await c.client.request(BillEmailsDocument, { id: c.billId });
    expect(read.data?.bill.number).toBeTruthy();
    expect(read.data?.bill.emails).toBeNull();
    expect(read.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['bill', 'emails']]]);
  }, 300_000);
});

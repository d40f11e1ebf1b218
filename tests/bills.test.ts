/**
 * Bills on the real database through the real API (issue 13): billOrders (with a preview that writes nothing), a
 * second run billing nothing, undo restoring the orders exactly, closing with gapless numbers (200 closings from 8
 * concurrent clients), the billing contact a bill needs, the documents (HTML, and PDF read back with pdftotext), and
 * who may see and do what.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { addDays, addMonths, dayOf } from '../src/billing/orders/calendar.js';
import { Order } from '../src/entities/billing/order.js';
import { idOf } from '../src/schema/relay/global-id.js';
import {
  BillDocumentDocument, BillOrdersDocument, BillsDocument, CloseBillDocument, CreateBillingServiceDocument, CreateMiscellaneousDocument,
  CreateMiscellaneousKindDocument, CreatePaymentSourceDocument, PaymentSourcesDocument, SetBillContactDocument, TransactionsDocument, UndoBillingDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let kindId: string;
const today = dayOf(new Date());
const nextYear = addMonths(today, 12);

beforeAll(async () => {
  h = await startApiHarness();
  kindId = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'hosting', hasAmount: true } })).createMiscellaneousKind.kind!.id;
  const created = await h.admin.data(CreateBillingServiceDocument, {
    input: { description: 'Hosting', model: 'Miscellaneous', match: 'miscellaneous.kind.name == "hosting"', nominalPrice: '10', taxRate: '21', billingPeriod: 'ANNUAL', ignoredAccountTypes: [] },
  });
  expect(created.createService.userErrors).toEqual([]);
});
afterAll(() => h?.close());

async function customer(username: string, items = 1, contact = true): Promise<{ accountId: string; client: GraphQLClient }> {
  const { account, client } = await accountWithUser(h.admin, username);
  for (let i = 0; i < items; i++) {
    const item = await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: account.id, kindId, amount: 1, description: `site ${i}` } });
    expect(item.createMiscellaneous.userErrors).toEqual([]);
  }
  if (contact) {
    const set = await h.admin.data(SetBillContactDocument, { input: { accountId: account.id, name: `${username} S.L.`, address: 'Carrer Major 1', city: 'Barcelona', zipcode: '08001', country: 'ES' } });
    expect(set.setBillContact.userErrors).toEqual([]);
  }
  return { accountId: account.id, client };
}

const ordersOf = (accountId: string) => h.orm.em.fork().find(Order, { account: idOf('Account', accountId) }, { orderBy: { id: 'asc' } });
const billsOf = async (accountId: string) => (await h.admin.data(BillsDocument, { filter: { accountId }, first: 10 })).bills.nodes;
const bill = (accountId: string, extra: Record<string, unknown> = {}) =>
  h.admin.data(BillOrdersDocument, { input: { accountIds: [accountId], billingPoint: nextYear, fixedPoint: true, ...extra } });

describe('billOrders', () => {
  test('a preview shows the bill and writes nothing; billing writes it; billing the same period again adds nothing', async () => {
    const { accountId } = await customer('billco', 2);
    const preview = await bill(accountId, { preview: true });
    expect(preview.billOrders.userErrors).toEqual([]);
    expect(preview.billOrders.run!.previews.map((p) => [p.type, p.total, p.lines.length])).toEqual([['INVOICE', '24.20', 2]]);
    expect(preview.billOrders.run!.previews[0]!.totals).toEqual([{ taxRate: '21.00', base: '20.00', tax: '4.20', total: '24.20' }]);
    expect(await billsOf(accountId)).toEqual([]);
    expect((await ordersOf(accountId)).map((o) => o.billedUntil)).toEqual([null, null]);

    const billed = await bill(accountId);
    expect(billed.billOrders.run!.bills.map((b) => [b.type, b.isOpen, b.number])).toEqual([['INVOICE', true, null]]);
    const [invoice] = await billsOf(accountId);
    expect(invoice!.total).toBe('24.20');
    expect(invoice!.lines.map((l) => [l.startOn, l.endOn, l.subtotal, l.net, l.taxRate])).toEqual([[today, nextYear, '10.00', '10.00', '21.00'], [today, nextYear, '10.00', '10.00', '21.00']]);
    expect((await ordersOf(accountId)).map((o) => [o.billedOn, o.billedUntil])).toEqual([[today, nextYear], [today, nextYear]]);

    const again = await bill(accountId);
    expect(again.billOrders.run!.lines).toBe(0);
    expect((await billsOf(accountId))[0]!.lines).toHaveLength(2);
  });

  test('a new item goes to the open invoice; newOpen makes another; a proforma moves no order', async () => {
    const { accountId } = await customer('cumulco', 1);
    await bill(accountId);
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId, kindId, amount: 1, description: 'later' } });
    await bill(accountId);
    expect((await billsOf(accountId)).map((b) => b.lines.length)).toEqual([2]);
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId, kindId, amount: 1, description: 'separate' } });
    const proforma = await bill(accountId, { proforma: true });
    expect(proforma.billOrders.run!.bills.map((b) => b.type)).toEqual(['PROFORMA']);
    expect((await ordersOf(accountId)).map((o) => o.billedUntil)).toEqual([nextYear, nextYear, null]);
    await bill(accountId, { newOpen: true });
    expect((await billsOf(accountId)).map((b) => [b.type, b.lines.length])).toEqual([['INVOICE', 2], ['PROFORMA', 1], ['INVOICE', 1]]);
  });

  test('undo restores the orders exactly, and billing again gives the same lines', async () => {
    const { accountId } = await customer('undoco', 2);
    await bill(accountId);
    const before = (await billsOf(accountId))[0]!.lines.map(({ id: _, ...l }) => l);
    const undone = await h.admin.data(UndoBillingDocument, { lineIds: (await billsOf(accountId))[0]!.lines.map((l) => l.id) });
    expect(undone.undoBilling.userErrors).toEqual([]);
    expect(undone.undoBilling.result!.removedLines).toBe(2);
    expect((await ordersOf(accountId)).map((o) => [o.billedOn, o.billedUntil, o.billedMetric])).toEqual([[null, null, null], [null, null, null]]);
    await bill(accountId);
    expect((await billsOf(accountId))[0]!.lines.map(({ id: _, ...l }) => l)).toEqual(before);
  });

  test('bad input is a userError and changes nothing', async () => {
    const { accountId } = await customer('badinputco', 1);
    const bad = await bill(accountId, { billingPoint: '2024-02-30' });
    expect(bad.billOrders.userErrors).toEqual([{ field: 'input.billingPoint', message: 'must be a day, YYYY-MM-DD', code: 'INVALID' }]);
    expect(await billsOf(accountId)).toEqual([]);
    const none = await h.admin.data(UndoBillingDocument, { lineIds: [] });
    expect(none.undoBilling.userErrors.map((e) => e.code)).toEqual(['REQUIRED']);
  });
});

describe('closing', () => {
  test('a bill needs its account\'s billing contact; closed: number, due date, transaction, no undo, no second close', async () => {
    const { accountId } = await customer('closeco', 1, false);
    await bill(accountId);
    const [open] = await billsOf(accountId);
    const refused = await h.admin.data(CloseBillDocument, { id: open!.id });
    expect(refused.closeBill.userErrors.map((e) => e.code)).toEqual(['NOT_ALLOWED']);
    expect((await billsOf(accountId))[0]!.isOpen).toBe(true);
    await h.admin.data(SetBillContactDocument, { input: { accountId, name: 'Close S.L.', address: 'Carrer Major 2', city: 'Girona', zipcode: '17001', country: 'ES' } });
    const closed = await h.admin.data(CloseBillDocument, { id: open!.id });
    expect(closed.closeBill.userErrors).toEqual([]);
    expect(closed.closeBill.bill).toMatchObject({ isOpen: false, closedOn: today, dueOn: addMonths(today, 1), total: '12.10' });
    expect(closed.closeBill.bill!.number).toMatch(new RegExp(`^I${today.slice(0, 4)}\\d{4}$`));
    expect((await billsOf(accountId))[0]!.transactions.map((t) => [t.state, t.amount])).toEqual([['WAITING_EXECUTION', '12.10']]);
    expect((await h.admin.data(CloseBillDocument, { id: open!.id })).closeBill.userErrors.map((e) => e.code)).toEqual(['NOT_ALLOWED']);
    const undo = await h.admin.data(UndoBillingDocument, { lineIds: (await billsOf(accountId))[0]!.lines.map((l) => l.id) });
    expect(undo.undoBilling.userErrors.map((e) => e.code)).toEqual(['NOT_ALLOWED']);
  });

  test('200 closings from 8 concurrent clients give unique, gapless numbers', async () => {
    const { accountId } = await customer('feeco', 0);
    const accountKey = idOf('Account', accountId);
    // 200 open fee bills of one line each (fees are one bill per line), written directly: the closing is under test.
    await h.orm.em.fork().execute(
      `with b as (insert into bill (created_at, updated_at, account_id, type, is_open, is_sent, comments, language)
                  select now(), now(), ?, 'FEE', true, false, '', 'en' from generate_series(1, 200) returning id)
       insert into bill_line (created_at, updated_at, bill_id, account_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate, start_on, givers)
       select now(), now(), b.id, ?, 'Membership', 20, 1, '1', 20, 0, ?::date, '[]' from b`,
      [accountKey, accountKey, today],
    );
    const rows: { id: string }[] = await h.orm.em.fork().execute("select id::text from bill where account_id = ? and type = 'FEE' order by id", [accountKey]);
    const queue = rows.map((r) => Buffer.from(`Bill:${r.id}`).toString('base64url'));
    expect(queue).toHaveLength(200);
    const numbers: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          const closed = await h.admin.data(CloseBillDocument, { id });
          expect(closed.closeBill.userErrors).toEqual([]);
          numbers.push(closed.closeBill.bill!.number!);
        }
      }),
    );
    const year = today.slice(0, 4);
    expect(new Set(numbers).size).toBe(200);
    expect([...numbers].sort()).toEqual(Array.from({ length: 200 }, (_, k) => `F${year}${String(k + 1).padStart(4, '0')}`));
  });
});

describe('documents', () => {
  test('the PDF\'s text holds the number, the lines and the totals; the HTML escapes what accounts wrote', async () => {
    const { accountId } = await customer('docco', 0);
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId, kindId, amount: 1, description: '<b>shop</b>' } });
    await bill(accountId);
    const [open] = await billsOf(accountId);
    const closed = await h.admin.data(CloseBillDocument, { id: open!.id });
    const number = closed.closeBill.bill!.number!;
    const html = (await h.admin.data(BillDocumentDocument, { id: open!.id, format: 'HTML' })).bill.document;
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.content).toContain(number);
    expect(html.content).not.toContain('<b>shop</b>');
    const pdf = (await h.admin.data(BillDocumentDocument, { id: open!.id, format: 'PDF' })).bill.document;
    expect(pdf.fileName).toBe(`${number}.pdf`);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(pdf.content, 'base64') }).toString();
    expect(text).toContain(number);
    expect(text).toContain('Hosting: <b>shop</b>');
    expect(text).toMatch(/Total\s+12\.10/);
    expect(text).toMatch(/VAT 21\.00%\s+2\.10/);
  });
});

describe('payment sources', () => {
  test('a SEPA direct debit needs a valid IBAN, BIC and holder (ibantools); a bad one is a userError and saves nothing', async () => {
    const { accountId, client } = await customer('sepaco', 0);
    const bad = await h.admin.data(CreatePaymentSourceDocument, { input: { accountId, method: 'SEPA_DIRECT_DEBIT', iban: 'ES91 2100 0418 4502 0005 1333', bic: 'NOTABIC', holder: 'Sepa <Co>' } });
    expect(bad.createPaymentSource.userErrors.map((e) => [e.field, e.code])).toEqual([['input.iban', 'INVALID'], ['input.bic', 'INVALID'], ['input.holder', 'INVALID']]);
    expect((await h.admin.data(PaymentSourcesDocument, { accountId })).paymentSources.nodes).toEqual([]);
    const good = await h.admin.data(CreatePaymentSourceDocument, { input: { accountId, method: 'SEPA_DIRECT_DEBIT', iban: 'ES91 2100 0418 4502 0005 1332', bic: 'CAIXESBBXXX', holder: 'Sepa Co' } });
    expect(good.createPaymentSource.userErrors).toEqual([]);
    expect(good.createPaymentSource.paymentSource).toMatchObject({ iban: 'ES9121000418450200051332', bic: 'CAIXESBBXXX' });
    expect((await client.data(PaymentSourcesDocument, {})).paymentSources.nodes.map((p) => p.method)).toEqual(['SEPA_DIRECT_DEBIT']);
    // Its bills are debited: due in 5 days, the transaction waits for processing.
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId, kindId, amount: 1, description: 'debited' } });
    await bill(accountId);
    const closed = await h.admin.data(CloseBillDocument, { id: (await billsOf(accountId))[0]!.id });
    expect(closed.closeBill.bill!.dueOn).toBe(addDays(today, 5));
    expect((await billsOf(accountId))[0]!.transactions.map((t) => t.state)).toEqual(['WAITING_PROCESSING']);
  });
});

describe('access', () => {
  test('an account user reads its own bills, lines, documents and transactions, and changes none', async () => {
    const mine = await customer('readerco', 1);
    const other = await customer('otherco', 1);
    await bill(mine.accountId);
    await bill(other.accountId);
    const [myBill] = await billsOf(mine.accountId);
    const [otherBill] = await billsOf(other.accountId);
    await h.admin.data(CloseBillDocument, { id: myBill!.id });
    await h.admin.data(CloseBillDocument, { id: otherBill!.id });
    const seen = await mine.client.data(BillsDocument, { first: 10 });
    expect(seen.bills.nodes.map((b) => [b.id, b.lines.length, b.transactions.length])).toEqual([[myBill!.id, 1, 1]]);
    expect((await mine.client.data(TransactionsDocument, {})).transactions.nodes.map((t) => t.bill.id)).toEqual([myBill!.id]);
    expect((await mine.client.data(BillDocumentDocument, { id: myBill!.id, format: 'HTML' })).bill.document.content).toContain('readerco');
    const foreign = await mine.client.raw({ query: 'query($id: ID!) { bill(id: $id) { id } }', variables: { id: otherBill!.id } });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    for (const query of [
      `mutation { billOrders(input: { preview: true }) { userErrors { code } } }`,
      `mutation { closeBill(id: "${myBill!.id}") { userErrors { code } } }`,
      `mutation { undoBilling(lineIds: ["${myBill!.lines[0]!.id}"]) { userErrors { code } } }`,
      `mutation { runBillingInvoice { userErrors { code } } }`,
      `mutation { createPaymentSource(input: { accountId: "${mine.accountId}", method: BANK_TRANSFER }) { userErrors { code } } }`,
    ]) {
      expect((await mine.client.raw({ query })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

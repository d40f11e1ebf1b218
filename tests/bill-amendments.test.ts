/**
 * Amendments (issue 13, item 3) through the real API on the real database: only a closed invoice or fee is amended;
 * an amendment is a bill of its own kind (own numbering series), its lines reference the amended lines and are the
 * only negative lines there are (a check constraint), and it is closed and rendered like any other bill.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { addMonths, dayOf } from '../src/billing/orders/calendar.js';
import { idOf } from '../src/schema/relay/global-id.js';
import {
  AmendBillDocument, AmendedBillDocument, BillDocumentDocument, BillOrdersDocument, BillsDocument, CloseBillDocument, CreateBillingServiceDocument,
  CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, SetBillContactDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let kindId: string;
const year = dayOf(new Date()).slice(0, 4);
const nextYear = addMonths(dayOf(new Date()), 12);

beforeAll(async () => {
  h = await startApiHarness();
  kindId = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'hosting', hasAmount: true } })).createMiscellaneousKind.kind!.id;
  const created = await h.admin.data(CreateBillingServiceDocument, {
    input: { description: 'Hosting', model: 'Miscellaneous', match: 'miscellaneous.kind.name == "hosting"', nominalPrice: '10', taxRate: '21', billingPeriod: 'ANNUAL', ignoredAccountTypes: [] },
  });
  expect(created.createService.userErrors).toEqual([]);
}, 120_000);
afterAll(() => h?.close());

/** An account with a closed invoice of `items` lines of 10 + 21 % each. */
async function closedInvoice(username: string, items = 2): Promise<{ accountId: string; billId: string; number: string; lineIds: string[]; client: GraphQLClient }> {
  const { account, client } = await accountWithUser(h.admin, username);
  for (let i = 0; i < items; i++) await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: account.id, kindId, amount: 1, description: `site ${i}` } });
  await h.admin.data(SetBillContactDocument, { input: { accountId: account.id, name: `${username} S.L.`, address: 'Carrer Major 1', city: 'Barcelona', zipcode: '08001', country: 'ES' } });
  await h.admin.data(BillOrdersDocument, { input: { accountIds: [account.id], billingPoint: nextYear, fixedPoint: true } });
  const [bill] = (await h.admin.data(BillsDocument, { filter: { accountId: account.id }, first: 5 })).bills.nodes;
  const closed = await h.admin.data(CloseBillDocument, { id: bill!.id });
  expect(closed.closeBill.userErrors).toEqual([]);
  return { accountId: account.id, billId: bill!.id, number: closed.closeBill.bill!.number!, lineIds: bill!.lines.map((l) => l.id), client };
}

const billCount = async () => (await h.orm.em.fork().execute('select count(*)::int as n from bill'))[0].n as number;

describe('amendments', () => {
  test('an amendment invoice: its own series, lines referencing the amended lines, negative amounts; closed and rendered like any bill', async () => {
    const invoice = await closedInvoice('amendco');
    const amended = await h.admin.data(AmendBillDocument, { input: { billId: invoice.billId, lines: [{ lineId: invoice.lineIds[0]!, amount: '-10' }, { lineId: invoice.lineIds[1]!, amount: '-2.50' }] } });
    expect(amended.amendBill.userErrors).toEqual([]);
    const amendment = amended.amendBill.bill!;
    expect(amendment).toMatchObject({ type: 'AMENDMENT_INVOICE', isOpen: true, number: null, amendOf: { id: invoice.billId, number: invoice.number } });
    const open = (await h.admin.data(AmendedBillDocument, { id: amendment.id })).bill;
    expect(open.lines.map((l) => [l.amendedLineId, l.subtotal, l.net, l.taxRate, l.description])).toEqual([
      [invoice.lineIds[0], '-10.00', '-10.00', '21.00', `${invoice.number}: Hosting: site 0`],
      [invoice.lineIds[1], '-2.50', '-2.50', '21.00', `${invoice.number}: Hosting: site 1`],
    ]);
    // 12.50 given back at 21 %: the tax rounded once, half away from zero.
    expect(open.totals).toEqual([{ taxRate: '21.00', base: '-12.50', tax: '-2.63', total: '-15.13' }]);

    const closed = await h.admin.data(CloseBillDocument, { id: amendment.id });
    expect(closed.closeBill.userErrors).toEqual([]);
    expect(closed.closeBill.bill!.number).toBe(`A${year}0001`);
    const second = await closedInvoice('amendco2', 1);
    const again = await h.admin.data(AmendBillDocument, { input: { billId: second.billId, lines: [{ lineId: second.lineIds[0]!, amount: '5.00' }] } });
    expect((await h.admin.data(CloseBillDocument, { id: again.amendBill.bill!.id })).closeBill.bill!.number).toBe(`A${year}0002`);
    expect(second.number).toBe(`I${year}0002`);

    const pdf = await h.admin.data(BillDocumentDocument, { id: amendment.id, format: 'PDF' });
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(pdf.bill.document.content, 'base64') }).toString();
    expect(text).toContain(`A${year}0001`);
    expect(text).toContain(`${invoice.number}: Hosting: site 0`);
    expect(text).toContain('-15.13');
  });

  test('an open bill, an amendment, a line of another bill, a bad or excessive amount are userErrors that write nothing', async () => {
    const invoice = await closedInvoice('refuseco', 1);
    const other = await closedInvoice('otherco', 1);
    const amend = (billId: string, lines: { lineId: string; amount: string }[]) => h.admin.data(AmendBillDocument, { input: { billId, lines } });

    const { account } = await accountWithUser(h.admin, 'openco');
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: account.id, kindId, amount: 1, description: 'open' } });
    await h.admin.data(BillOrdersDocument, { input: { accountIds: [account.id], billingPoint: nextYear, fixedPoint: true } });
    const [open] = (await h.admin.data(BillsDocument, { filter: { accountId: account.id }, first: 5 })).bills.nodes;
    const openBefore = await billCount();
    expect((await amend(open!.id, [{ lineId: open!.lines[0]!.id, amount: '-1' }])).amendBill.userErrors.map((e) => [e.field, e.code])).toEqual([['input.billId', 'NOT_ALLOWED']]);

    const made = await amend(invoice.billId, [{ lineId: invoice.lineIds[0]!, amount: '-1' }]);
    expect(made.amendBill.userErrors).toEqual([]);
    const ofAmendment = await amend(made.amendBill.bill!.id, [{ lineId: invoice.lineIds[0]!, amount: '-1' }]);
    expect(ofAmendment.amendBill.userErrors.map((e) => [e.field, e.code])).toEqual([['input.billId', 'NOT_ALLOWED']]);
    const afterOne = await billCount();
    expect(afterOne).toBe(openBefore + 1);

    const refusals: [{ lineId: string; amount: string }[], string, string][] = [
      [[], 'input.lines', 'REQUIRED'],
      [[{ lineId: other.lineIds[0]!, amount: '-1' }], 'input.lines.0.lineId', 'INVALID'],
      [[{ lineId: invoice.lineIds[0]!, amount: '-1' }, { lineId: invoice.lineIds[0]!, amount: '-1' }], 'input.lines.1.lineId', 'INVALID'],
      [[{ lineId: invoice.lineIds[0]!, amount: '0' }], 'input.lines.0.amount', 'INVALID'],
      [[{ lineId: invoice.lineIds[0]!, amount: '-1.005' }], 'input.lines.0.amount', 'INVALID'],
      [[{ lineId: invoice.lineIds[0]!, amount: '-10.01' }], 'input.lines.0.amount', 'INVALID'],
    ];
    for (const [lines, field, code] of refusals) {
      expect([field, (await amend(invoice.billId, lines)).amendBill.userErrors.map((e) => [e.field, e.code])]).toEqual([field, [[field, code]]]);
    }
    expect(await billCount()).toBe(afterOne);
  });

  test('a negative line anywhere but an amendment is refused by the database itself', async () => {
    const invoice = await closedInvoice('checkco', 1);
    await expect(
      h.orm.em.fork().execute(
        `insert into bill_line (created_at, updated_at, bill_id, account_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate, start_on, givers)
         values (now(), now(), ?, ?, 'negative', -1, 1, '1', -1, 0, now()::date, '[]')`,
        [idOf('Bill', invoice.billId), idOf('Account', invoice.accountId)],
      ),
    ).rejects.toThrow(/bill_line_negative_only_amending/);
  });

  test('account users may not amend their bills', async () => {
    const invoice = await closedInvoice('userco', 1);
    const before = await billCount();
    const attempt = await invoice.client.request(AmendBillDocument, { input: { billId: invoice.billId, lines: [{ lineId: invoice.lineIds[0]!, amount: '-10' }] } });
    expect(attempt.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await billCount()).toBe(before);
  });
});

/**
 * Payments on the real database through the real API (issue 13): transactions with the original's states and only
 * the allowed moves (a refused move is a userError and marks nothing), the bill's payment state following them, no
 * second transaction for a covered bill, reissue of a rejected one (the old kept), and processing into SEPA files
 * that the real xmllint validates against the shipped XSDs; processes marked as a whole.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, addMonths, dayOf } from '../src/billing/orders/calendar.js';
import { setSepaSettings } from '../src/config/sepa-settings.js';
import { processWaitingTransactions } from '../src/payments/process/process-transactions.js';
import {
  BillPaymentDocument, CreatePaymentSourceDocument, CreateTransactionDocument, MarkTransactionProcessDocument, MarkTransactionsDocument, PaymentSourcesDocument,
  PaymentTransactionsDocument, ReissueTransactionDocument, TransactionProcessesDocument, TransactionProcessFileDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { TEST_CREDITOR, closedInvoice, closedRefund, hostingService, payer, xmllintValidates } from './support/payments-fixtures.js';

let h: ApiHarness;
let kindId: string;
const today = dayOf(new Date());
const nextYear = addMonths(today, 12);

beforeAll(async () => {
  h = await startApiHarness();
  kindId = await hostingService(h, 'payhosting');
});
afterAll(async () => {
  setSepaSettings(undefined);
  await h?.close();
});

const payment = async (billId: string) => (await h.admin.data(BillPaymentDocument, { id: billId })).bill;
const transactionsOf = async (billId: string) => (await h.admin.data(PaymentTransactionsDocument, { filter: { billId } })).transactions.nodes;
const processNow = () => h.orm.em.fork().transactional((tx) => processWaitingTransactions(tx as EntityManager, TEST_CREDITOR));

describe('states and moves', () => {
  test('a bank transfer waits for execution, is executed, then secured: the bill follows to PAID; a secured one moves no more', async () => {
    const who = await payer(h, 'transferco', 'BANK_TRANSFER');
    const billId = await closedInvoice(h, who, kindId, nextYear);
    expect(await payment(billId)).toMatchObject({ total: '12.10', paymentState: 'PROCESSED' });
    const [t] = await transactionsOf(billId);
    expect(t).toMatchObject({ state: 'WAITING_EXECUTION', amount: '12.10', currency: 'EUR', source: { id: who.sourceId } });
    const executed = await h.admin.data(MarkTransactionsDocument, { ids: [t!.id], state: 'EXECUTED' });
    expect(executed.markTransactions.userErrors).toEqual([]);
    expect((await payment(billId)).paymentState).toBe('EXECUTED');
    await h.admin.data(MarkTransactionsDocument, { ids: [t!.id], state: 'SECURED' });
    expect(await payment(billId)).toMatchObject({ paymentState: 'PAID', transactions: [{ state: 'SECURED' }] });
    for (const state of ['EXECUTED', 'REJECTED', 'SECURED'] as const) {
      const refused = await h.admin.data(MarkTransactionsDocument, { ids: [t!.id], state });
      expect(refused.markTransactions.userErrors).toEqual([{ field: 'ids.0', message: `is SECURED: it cannot become ${state}`, code: 'NOT_ALLOWED' }]);
    }
    expect((await transactionsOf(billId)).map((x) => x.state)).toEqual(['SECURED']);
  });

  test('a SEPA debit cannot be marked executed or secured before its file is made; one refused move marks none of the others', async () => {
    const debtor = await payer(h, 'waitco', { holder: 'Wait Co' });
    const transfer = await payer(h, 'waitco2', 'BANK_TRANSFER');
    const sepaBill = await closedInvoice(h, debtor, kindId, nextYear);
    const transferBill = await closedInvoice(h, transfer, kindId, nextYear);
    const [sepa] = await transactionsOf(sepaBill);
    const [manual] = await transactionsOf(transferBill);
    expect([sepa!.state, (await payment(sepaBill)).paymentState]).toEqual(['WAITING_PROCESSING', 'CREATED']);
    const refused = await h.admin.data(MarkTransactionsDocument, { ids: [manual!.id, sepa!.id], state: 'EXECUTED' });
    expect(refused.markTransactions.userErrors).toEqual([{ field: 'ids.1', message: 'is WAITING_PROCESSING: it cannot become EXECUTED', code: 'NOT_ALLOWED' }]);
    expect(refused.markTransactions.result).toBeNull();
    expect([(await transactionsOf(sepaBill))[0]!.state, (await transactionsOf(transferBill))[0]!.state]).toEqual(['WAITING_PROCESSING', 'WAITING_EXECUTION']);
    const unknown = await h.admin.data(MarkTransactionsDocument, { ids: [], state: 'SECURED' });
    expect(unknown.markTransactions.userErrors.map((e) => e.code)).toEqual(['REQUIRED']);
  });
});

describe('coverage and reissue', () => {
  test('a covered bill gets no second transaction; a rejected one is reissued once, the old kept; part payments make it INCOMPLETE', async () => {
    const who = await payer(h, 'coverco', 'BANK_TRANSFER');
    const billId = await closedInvoice(h, who, kindId, nextYear, 2);
    expect((await payment(billId)).total).toBe('24.20');
    const second = await h.admin.data(CreateTransactionDocument, { input: { billId } });
    expect(second.createTransaction.userErrors).toEqual([{ field: 'input.billId', message: 'is already covered by its transactions (24.20 of 24.20)', code: 'NOT_ALLOWED' }]);
    const [first] = await transactionsOf(billId);
    const notRejected = await h.admin.data(ReissueTransactionDocument, { id: first!.id });
    expect(notRejected.reissueTransaction.userErrors.map((e) => [e.field, e.code])).toEqual([['id', 'NOT_ALLOWED']]);

    await h.admin.data(MarkTransactionsDocument, { ids: [first!.id], state: 'REJECTED' });
    expect((await payment(billId)).paymentState).toBe('BAD_DEBT');
    const reissued = await h.admin.data(ReissueTransactionDocument, { id: first!.id });
    expect(reissued.reissueTransaction.userErrors).toEqual([]);
    expect(reissued.reissueTransaction.transaction).toMatchObject({ state: 'WAITING_EXECUTION', amount: '24.20', reissueOf: { id: first!.id } });
    expect((await transactionsOf(billId)).map((t) => [t.state, t.amount])).toEqual([['REJECTED', '24.20'], ['WAITING_EXECUTION', '24.20']]);
    const again = await h.admin.data(ReissueTransactionDocument, { id: first!.id });
    expect(again.reissueTransaction.userErrors).toEqual([{ field: 'id', message: 'was already reissued', code: 'NOT_ALLOWED' }]);
    expect(await h.admin.data(CreateTransactionDocument, { input: { billId } })).toMatchObject({ createTransaction: { userErrors: [{ code: 'NOT_ALLOWED' }] } });
    expect(await transactionsOf(billId)).toHaveLength(2);

    // The reissued one rejected too, part payments: 20 now (INCOMPLETE once secured), the rest by default, then PAID.
    await h.admin.data(MarkTransactionsDocument, { ids: [reissued.reissueTransaction.transaction!.id], state: 'REJECTED' });
    const tooMuch = await h.admin.data(CreateTransactionDocument, { input: { billId, amount: '24.21' } });
    expect(tooMuch.createTransaction.userErrors.map((e) => [e.field, e.code])).toEqual([['input.amount', 'INVALID']]);
    const negative = await h.admin.data(CreateTransactionDocument, { input: { billId, amount: '-1.00' } });
    expect(negative.createTransaction.userErrors.map((e) => [e.field, e.code])).toEqual([['input.amount', 'INVALID']]);
    const part = await h.admin.data(CreateTransactionDocument, { input: { billId, amount: '20' } });
    expect(part.createTransaction.transaction).toMatchObject({ amount: '20.00', state: 'WAITING_EXECUTION' });
    await h.admin.data(MarkTransactionsDocument, { ids: [part.createTransaction.transaction!.id], state: 'SECURED' });
    expect((await payment(billId)).paymentState).toBe('INCOMPLETE');
    const rest = await h.admin.data(CreateTransactionDocument, { input: { billId } });
    expect(rest.createTransaction.transaction).toMatchObject({ amount: '4.20' });
    await h.admin.data(MarkTransactionsDocument, { ids: [rest.createTransaction.transaction!.id], state: 'SECURED' });
    expect((await payment(billId)).paymentState).toBe('PAID');
    expect(await h.admin.data(CreateTransactionDocument, { input: { billId } })).toMatchObject({ createTransaction: { userErrors: [{ code: 'NOT_ALLOWED' }] } });
  });

  test('two concurrent transactions for one bill: exactly one is written', async () => {
    const who = await payer(h, 'raceco', 'BANK_TRANSFER');
    const billId = await closedInvoice(h, who, kindId, nextYear);
    const [first] = await transactionsOf(billId);
    await h.admin.data(MarkTransactionsDocument, { ids: [first!.id], state: 'REJECTED' });
    const results = await Promise.all(Array.from({ length: 4 }, () => h.admin.data(CreateTransactionDocument, { input: { billId } })));
    expect(results.filter((r) => r.createTransaction.userErrors.length === 0)).toHaveLength(1);
    expect((await transactionsOf(billId)).map((t) => t.state)).toEqual(['REJECTED', 'WAITING_EXECUTION']);
  });
});

describe('payment sources', () => {
  test('a bad IBAN or BIC is a userError; a holder is kept as written and refused only without a SEPA form', async () => {
    const who = await payer(h, 'sourceco', 'BANK_TRANSFER');
    const bad = await h.admin.data(CreatePaymentSourceDocument, { input: { accountId: who.accountId, method: 'SEPA_DIRECT_DEBIT', iban: 'DE89 3704 0044 0532 0130 01', bic: 'COBADEFF', holder: 'Ok' } });
    expect(bad.createPaymentSource.userErrors.map((e) => [e.field, e.code])).toEqual([['input.iban', 'INVALID']]);
    const badBic = await h.admin.data(CreatePaymentSourceDocument, { input: { accountId: who.accountId, method: 'SEPA_DIRECT_DEBIT', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBA1', holder: 'Ok' } });
    expect(badBic.createPaymentSource.userErrors.map((e) => [e.field, e.code])).toEqual([['input.bic', 'INVALID']]);
    for (const holder of ['東京商事', 'Robert"); DROP', 'Sepa <Co>']) {
      const refused = await h.admin.data(CreatePaymentSourceDocument, { input: { accountId: who.accountId, method: 'SEPA_DIRECT_DEBIT', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', holder } });
      expect([holder, refused.createPaymentSource.userErrors.map((e) => [e.field, e.code])]).toEqual([holder, [['input.holder', 'INVALID']]]);
    }
    const accepted = await h.admin.data(CreatePaymentSourceDocument, { input: { accountId: who.accountId, method: 'SEPA_DIRECT_DEBIT', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', holder: 'Peña & Müller Søn' } });
    expect(accepted.createPaymentSource.userErrors).toEqual([]);
    expect(accepted.createPaymentSource.paymentSource!.holder).toBe('Peña & Müller Søn');
    expect((await h.admin.data(PaymentSourcesDocument, { accountId: who.accountId })).paymentSources.nodes.map((s) => s.method)).toEqual(['BANK_TRANSFER', 'SEPA_DIRECT_DEBIT']);
  });
});

describe('processing into SEPA files', () => {
  test('debts go to a pain.008.001.02 file and refunds to a pain.001.001.03 file, both valid; names escaped and transliterated; processes marked as a whole', async () => {
    // Leave no earlier test's transaction waiting: this test counts what one processing takes.
    await processNow();
    const debtor = await payer(h, 'debtorco', { holder: 'José Peña & Hijos' });
    const other = await payer(h, 'otherdebtor', { holder: "O'Brien Ltd", iban: 'ES91 2100 0418 4502 0005 1332', bic: 'CAIXESBBXXX' });
    const refunded = await payer(h, 'refundco', { holder: 'Müller Søn', iban: 'FR14 2004 1010 0505 0001 3M02 606', bic: 'PSSTFRPPXXX' });
    const transfer = await payer(h, 'manualco', 'BANK_TRANSFER');
    const debitBill = await closedInvoice(h, debtor, kindId, nextYear);
    const otherBill = await closedInvoice(h, other, kindId, nextYear, 2);
    const refundBill = await closedRefund(h, refunded, '7.50', today);
    const manualBill = await closedInvoice(h, transfer, kindId, nextYear);
    expect((await transactionsOf(refundBill)).map((t) => [t.state, t.amount])).toEqual([['WAITING_PROCESSING', '-7.50']]);

    const counts = await processNow();
    expect(counts).toEqual({ processes: 2, transactions: 3, skipped: 0 });
    const processes = (await h.admin.data(TransactionProcessesDocument, { filter: { state: 'CREATED' }, first: 10 })).transactionProcesses.nodes.slice(-2);
    expect(processes.map((p) => [p.kind, p.method, p.state, p.transactions.map((t) => [t.state, t.amount])])).toEqual([
      ['DIRECT_DEBIT', 'SEPA_DIRECT_DEBIT', 'CREATED', [['WAITING_EXECUTION', '12.10'], ['WAITING_EXECUTION', '24.20']]],
      ['CREDIT_TRANSFER', 'SEPA_DIRECT_DEBIT', 'CREATED', [['WAITING_EXECUTION', '-7.50']]],
    ]);
    expect((await transactionsOf(manualBill)).map((t) => t.state)).toEqual(['WAITING_EXECUTION']);

    const debit = (await h.admin.data(TransactionProcessFileDocument, { id: processes[0]!.id })).transactionProcess.file;
    expect(debit.fileName).toMatch(/^direct-debit-\d+\.xml$/);
    expect(debit.contentType).toBe('application/xml; charset=utf-8');
    expect(await xmllintValidates(debit.content, 'pain.008.001.02')).toBe('- validates');
    const number = (await payment(debitBill)).number!;
    expect(debit.content).toContain('<Dbtr><Nm>Jose Pena + Hijos</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN>');
    expect(debit.content).toContain('<Nm>O&apos;Brien Ltd</Nm>');
    expect(debit.content).toContain(`<RmtInf><Ustrd>Bill ${number}</Ustrd></RmtInf>`);
    expect(debit.content).toContain('<NbOfTxs>2</NbOfTxs><CtrlSum>36.30</CtrlSum>');
    expect(debit.content).toContain('<InstdAmt Ccy="EUR">24.20</InstdAmt>');
    expect(debit.content).toContain(`<ReqdColltnDt>${addDays(today, 5)}</ReqdColltnDt>`);
    expect(debit.content).toContain('<CdtrSchmeId><Id><PrvtId><Othr><Id>DE98ZZZ09999999999</Id>');
    const credit = (await h.admin.data(TransactionProcessFileDocument, { id: processes[1]!.id })).transactionProcess.file;
    expect(credit.fileName).toMatch(/^credit-transfer-\d+\.xml$/);
    expect(await xmllintValidates(credit.content, 'pain.001.001.03')).toBe('- validates');
    expect(credit.content).toContain('<Cdtr><Nm>Muller Son</Nm></Cdtr><CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN>');
    expect(credit.content).toContain('<InstdAmt Ccy="EUR">7.50</InstdAmt>');

    // Processing again makes nothing: nothing waits.
    expect(await processNow()).toEqual({ processes: 0, transactions: 0, skipped: 0 });

    // One debit rejected by the bank on its own; then the whole file executed and secured: that one stays rejected.
    const [one, two] = processes[0]!.transactions;
    await h.admin.data(MarkTransactionsDocument, { ids: [two!.id], state: 'REJECTED' });
    const executed = await h.admin.data(MarkTransactionProcessDocument, { id: processes[0]!.id, state: 'EXECUTED' });
    expect(executed.markTransactionProcess.process).toMatchObject({ state: 'EXECUTED', transactions: [{ state: 'EXECUTED' }, { state: 'REJECTED' }] });
    expect((await payment(debitBill)).paymentState).toBe('EXECUTED');
    const secured = await h.admin.data(MarkTransactionProcessDocument, { id: processes[0]!.id, state: 'SECURED' });
    expect(secured.markTransactionProcess.process).toMatchObject({ state: 'COMMITTED', transactions: [{ id: one!.id, state: 'SECURED' }, { id: two!.id, state: 'REJECTED' }] });
    expect([(await payment(debitBill)).paymentState, (await payment(otherBill)).paymentState]).toEqual(['PAID', 'BAD_DEBT']);
    const final = await h.admin.data(MarkTransactionProcessDocument, { id: processes[0]!.id, state: 'REJECTED' });
    expect(final.markTransactionProcess.userErrors).toEqual([{ field: 'id', message: 'is COMMITTED: it cannot be marked REJECTED', code: 'NOT_ALLOWED' }]);
    // The refund's file refused by the bank: aborted, its transaction rejected; the refund is reissued, waiting again.
    const aborted = await h.admin.data(MarkTransactionProcessDocument, { id: processes[1]!.id, state: 'REJECTED' });
    expect(aborted.markTransactionProcess.process).toMatchObject({ state: 'ABORTED', transactions: [{ state: 'REJECTED' }] });
    const again = await h.admin.data(ReissueTransactionDocument, { id: processes[1]!.transactions[0]!.id });
    expect(again.reissueTransaction.transaction).toMatchObject({ state: 'WAITING_PROCESSING', amount: '-7.50' });
    expect(await processNow()).toEqual({ processes: 1, transactions: 1, skipped: 0 });
  });

  test('without a creditor nothing is processed: the debits wait', async () => {
    const who = await payer(h, 'nocreditor', { holder: 'No Creditor' });
    const billId = await closedInvoice(h, who, kindId, nextYear);
    const counts = await h.orm.em.fork().transactional((tx) => processWaitingTransactions(tx as EntityManager, null));
    expect(counts).toMatchObject({ processes: 0, transactions: 0 });
    expect(counts.skipped).toBeGreaterThanOrEqual(1);
    expect((await transactionsOf(billId)).map((t) => t.state)).toEqual(['WAITING_PROCESSING']);
    await processNow();
    expect((await transactionsOf(billId)).map((t) => t.state)).toEqual(['WAITING_EXECUTION']);
  });
});

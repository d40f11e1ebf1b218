/**
 * The authorisation matrix for payments (issue 13): anonymous, a user of account A, a user of account B and an admin,
 * over every payments query, mutation and field. Account users read their own transactions (the original's REST
 * listed every account's) and their bills' payment state, and change nothing; processes, their files and every
 * change are admin only. A denied call changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addMonths, dayOf } from '../src/billing/orders/calendar.js';
import { Bill } from '../src/entities/bills/bill.js';
import { PaymentSource } from '../src/entities/payments/payment-source.js';
import { TransactionProcess } from '../src/entities/payments/transaction-process.js';
import { Transaction } from '../src/entities/payments/transaction.js';
import { processWaitingTransactions } from '../src/payments/process/process-transactions.js';
import { SCHEDULES, reconcileSchedules } from '../src/temporal/schedules/index.js';
import { scheduleId } from '../src/temporal/schedules/schedule-declaration.js';
import {
  BillPaymentDocument, CreateTransactionDocument, MarkTransactionProcessDocument, MarkTransactionsDocument, PaymentNodeDocument, PaymentTransactionsDocument,
  ReissueTransactionDocument, RunPaymentsProcessDocument, TransactionProcessesDocument, TransactionProcessFileDocument, TransactionWithProcessDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { ADMIN_ONLY, ANY_USER, OWNER_OR_ADMIN, type Caller, type Case, type Expect } from './support/authorization-matrix.js';
import { outcome } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { TEST_CREDITOR, closedInvoice, hostingService, payer } from './support/payments-fixtures.js';

let h: ApiHarness;
let clients: Record<Caller, GraphQLClient>;
const ids: Record<string, string> = {};

const HIDDEN: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'NOT_FOUND', userB: 'NOT_FOUND', admin: 'ok' };
const ADMIN_FIELD_IN_LIST: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'ok', admin: 'ok' };

async function snapshot() {
  const em = h.orm.em.fork();
  const strip = (rows: object[]) => rows.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  const all = async (entity: Parameters<typeof em.find>[0]) => strip(await em.find(entity, {}, { orderBy: { id: 'asc' } as never }));
  return { transactions: await all(Transaction), processes: await all(TransactionProcess), sources: await all(PaymentSource), bills: await all(Bill) };
}

beforeAll(async () => {
  h = await startApiHarness();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, SCHEDULES);
  const kindId = await hostingService(h, 'authhosting');
  const nextYear = addMonths(dayOf(new Date()), 12);
  const a = await payer(h, 'alpha', { holder: 'Alpha' });
  const b = await payer(h, 'bravo', 'BANK_TRANSFER');
  clients = { anonymous: h.client, userA: a.client, userB: b.client, admin: h.admin };
  ids.debitBill = await closedInvoice(h, a, kindId, nextYear);
  await h.orm.em.fork().transactional((tx) => processWaitingTransactions(tx as EntityManager, TEST_CREDITOR));
  ids.process = (await h.admin.data(TransactionProcessesDocument, {})).transactionProcesses.nodes[0]!.id;
  ids.debit = (await h.admin.data(PaymentTransactionsDocument, { filter: { billId: ids.debitBill } })).transactions.nodes[0]!.id;
  // Two more of A's bills with a rejected transaction each: one for createTransaction, one for reissue.
  for (const key of ['createBill', 'reissueBill']) {
    ids[key] = await closedInvoice(h, a, kindId, nextYear);
    const [t] = (await h.admin.data(PaymentTransactionsDocument, { filter: { billId: ids[key] } })).transactions.nodes;
    ids[`${key}Transaction`] = t!.id;
    await h.admin.data(MarkTransactionsDocument, { ids: [t!.id], state: 'REJECTED' });
  }
  await closedInvoice(h, b, kindId, nextYear);
});
afterAll(async () => {
  for (const declaration of SCHEDULES) await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration)).delete().catch(() => undefined);
  await h?.close();
});

const cases: Case[] = [
  { name: 'query transactions (every field)', run: (c) => c.request(PaymentTransactionsDocument, {}), expected: ANY_USER },
  { name: 'query transactions { process } (admin-only field)', run: (c) => c.request(TransactionWithProcessDocument, { filter: { billId: ids.debitBill! } }), expected: ADMIN_FIELD_IN_LIST },
  { name: 'query node(transaction A)', run: (c) => c.request(PaymentNodeDocument, { id: ids.debit! }), expected: OWNER_OR_ADMIN },
  { name: 'query bill(A) { paymentState transactions }', run: (c) => c.request(BillPaymentDocument, { id: ids.debitBill! }), expected: OWNER_OR_ADMIN },
  { name: 'query transactionProcesses', run: (c) => c.request(TransactionProcessesDocument, {}), expected: ADMIN_ONLY },
  { name: 'query transactionProcess { file }', run: (c) => c.request(TransactionProcessFileDocument, { id: ids.process! }), expected: ADMIN_ONLY },
  { name: 'query node(process)', run: (c) => c.request(PaymentNodeDocument, { id: ids.process! }), expected: HIDDEN },
  { name: 'mutation createTransaction(A)', run: (c) => c.request(CreateTransactionDocument, { input: { billId: ids.createBill! } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation reissueTransaction(A)', run: (c) => c.request(ReissueTransactionDocument, { id: ids.reissueBillTransaction! }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation markTransactionProcess', run: (c) => c.request(MarkTransactionProcessDocument, { id: ids.process!, state: 'EXECUTED' }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation markTransactions(A)', run: (c) => c.request(MarkTransactionsDocument, { ids: [ids.debit!], state: 'SECURED' }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation runPaymentsProcess', run: (c) => c.request(RunPaymentsProcessDocument, {}), expected: ADMIN_ONLY, mutates: true },
];

describe.each(['anonymous', 'userB', 'userA', 'admin'] as Caller[])('as %s', (caller) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = c.mutates ? await snapshot() : null;
    const result = await c.run(clients[caller]);
    expect(outcome(result)).toBe(c.expected[caller]);
    if (c.expected[caller] !== 'ok' && before) expect(await snapshot()).toEqual(before);
    if (c.expected[caller] === 'ok') expect(result.data).toBeTruthy();
  });
});

test('account users list only their own transactions; admins all', async () => {
  const accounts = async (c: GraphQLClient) => new Set((await c.data(PaymentTransactionsDocument, { first: 100 })).transactions.nodes.map((t) => t.account.id));
  const alpha = await accounts(clients.userA);
  const bravo = await accounts(clients.userB);
  expect(alpha.size).toBe(1);
  expect(bravo.size).toBe(1);
  expect([...alpha][0]).not.toBe([...bravo][0]);
  expect(await accounts(clients.admin)).toEqual(new Set([...alpha, ...bravo]));
});

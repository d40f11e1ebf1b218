import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingDecimal, formatMoney, isDecimalText, roundMoney } from '../billing/money.js';
import { billTotals } from '../bills/bill-totals.js';
import { findBill } from '../bills/close-bill.js';
import { noteTouched } from '../audit/audit-note.js';
import { BillType } from '../entities/bills/bill-enums.js';
import type { Bill } from '../entities/bills/bill.js';
import { PaymentSource } from '../entities/payments/payment-source.js';
import { TransactionProcess } from '../entities/payments/transaction-process.js';
import { Transaction } from '../entities/payments/transaction.js';
import { TransactionState } from '../entities/payments/payment-enums.js';
import { NotFoundError } from '../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { bigintArray } from '../resources/sql-arrays.js';
import { idOf, toGlobalId } from '../schema/relay/global-id.js';
import type { UseCase } from '../use-cases/use-case.js';
import { PROCESS_MARKS, canMove, initialState } from './transaction-states.js';

/** The states an admin marks transactions (or a whole process) with. */
export type TransactionMark = keyof typeof PROCESS_MARKS;

/**
 * How much of a bill its transactions already cover: the sum of the amounts of those not rejected (a rejected one
 * collected nothing). Read under the bill's row lock, so two new transactions of one bill take turns.
 */
async function coverage(em: EntityManager, billId: string) {
  const rows: { covered: string; live: number }[] = await em.execute(
    `select coalesce(sum(amount), 0)::text as covered, count(*)::int as live from payment_transaction where bill_id = ? and state <> 'REJECTED'`,
    [billId],
  );
  return { covered: new BillingDecimal(rows[0]!.covered), live: rows[0]!.live };
}

/**
 * A new transaction for a closed bill, in the caller's transaction. Refused (NOT_ALLOWED) for an open bill or a
 * proforma, and when the bill's transactions not rejected already cover its total (the original's check, sign-aware:
 * an amendment's refund is covered by a negative amount); the amount, by default what is left to cover, must have the
 * total's sign and not cover more than the total. The source, by default the account's first active one, must be an
 * active source of the bill's account.
 */
export async function addTransaction(
  em: EntityManager,
  bill: Bill,
  options: { source?: PaymentSource | null; amount?: string; reissueOf?: Transaction; field: string },
): Promise<Transaction> {
  await em.execute('select id from bill where id = ? for update', [bill.id]);
  if (bill.isOpen || bill.type === BillType.PROFORMA) throw new UserInputError(options.field, 'only a closed bill (not a proforma) is paid', UserErrorCode.NOT_ALLOWED);
  const { total } = await billTotals(em, bill.id);
  const { covered, live } = await coverage(em, bill.id);
  const left = roundMoney(total.minus(covered));
  // Covered: nothing left of the total's sign (a bill of 0 is covered by its one transaction, secured when closed).
  const isCovered = total.isZero() ? live > 0 : left.isZero() || left.isNegative() !== total.isNegative();
  if (isCovered) {
    throw new UserInputError(options.field, `is already covered by its transactions (${formatMoney(covered)} of ${formatMoney(total)})`, UserErrorCode.NOT_ALLOWED);
  }
  let amount = left;
  if (options.amount !== undefined) {
    if (!isDecimalText(options.amount, 2, true)) throw new UserInputError('input.amount', 'must be an amount with at most 2 decimal places', UserErrorCode.INVALID);
    amount = new BillingDecimal(options.amount);
    if (amount.isZero() || amount.isNegative() !== total.isNegative() || amount.abs().greaterThan(left.abs())) {
      throw new UserInputError('input.amount', `must be of the bill's sign and at most what is left to cover (${formatMoney(left)})`, UserErrorCode.INVALID);
    }
  }
  const source = options.source !== undefined ? options.source : await em.findOne(PaymentSource, { account: bill.account.id, isActive: true }, { orderBy: { id: 'asc' } });
  const transaction = em.create(Transaction, {
    bill, account: bill.account.id, source: source ?? null, amount: formatMoney(amount),
    state: initialState(source?.method ?? null, amount.isZero()), reissueOf: options.reissueOf ?? null,
  });
  await em.flush();
  return transaction;
}

async function findSource(em: EntityManager, bill: Bill, globalId: string, field: string): Promise<PaymentSource> {
  const source = await em.findOne(PaymentSource, { id: idOf('PaymentSource', globalId, field) });
  if (!source || source.account.id !== bill.account.id) throw new NotFoundError('PaymentSource', field);
  if (!source.isActive) throw new UserInputError(field, 'is not active', UserErrorCode.NOT_ALLOWED);
  return source;
}

export interface TransactionRequest {
  billId: string;
  sourceId?: string;
  amount?: string;
}

/** An admin's transaction for a bill (a payment seen outside Orchestra, a part payment). */
export async function createTransaction({ em, audit }: UseCase, input: TransactionRequest): Promise<Transaction> {
  const bill = await findBill(em, input.billId, 'input.billId');
  const source = input.sourceId ? await findSource(em, bill, input.sourceId, 'input.sourceId') : undefined;
  const transaction = await addTransaction(em, bill, { source, amount: input.amount, field: 'input.billId' });
  noteTouched(audit, null, toGlobalId('Transaction', transaction.id));
  return transaction;
}

export async function findTransaction(em: EntityManager, globalId: string, field = 'id'): Promise<Transaction> {
  const transaction = await em.findOne(Transaction, { id: idOf('Transaction', globalId, field) });
  if (!transaction) throw new NotFoundError('Transaction', field);
  return transaction;
}

/**
 * Charges a rejected transaction again: a new transaction of the same amount for the same bill, through the same
 * source while it is active (else the account's default), linked to the old one, which is kept as it was. Only a
 * rejected one, once, and never when the bill is covered otherwise.
 */
export async function reissueTransaction({ em, audit }: UseCase, id: string): Promise<Transaction> {
  const old = await findTransaction(em, id);
  await em.execute('select id from payment_transaction where id = ? for update', [old.id]);
  await em.refresh(old);
  if (old.state !== TransactionState.REJECTED) throw new UserInputError('id', `is ${old.state}: only a rejected transaction is reissued`, UserErrorCode.NOT_ALLOWED);
  if (await em.count(Transaction, { reissueOf: old.id })) throw new UserInputError('id', 'was already reissued', UserErrorCode.NOT_ALLOWED);
  const source = old.source ? await em.findOne(PaymentSource, { id: old.source.id, isActive: true }) : null;
  const bill = await old.bill.loadOrFail();
  const transaction = await addTransaction(em, bill, { source: source ?? undefined, amount: old.amount, reissueOf: old, field: 'id' });
  noteTouched(audit, null, toGlobalId('Transaction', old.id), toGlobalId('Transaction', transaction.id));
  return transaction;
}

/**
 * Marks transactions executed, secured or rejected (an admin, from the bank's statement). All or nothing: a move the
 * state machine does not allow is a userError on that id, and none is marked.
 */
export async function markTransactions({ em, audit }: UseCase, ids: string[], mark: TransactionMark): Promise<Transaction[]> {
  if (ids.length === 0) throw new UserInputError('ids', 'name at least one transaction', UserErrorCode.REQUIRED);
  const transactions: Transaction[] = [];
  for (const [i, id] of ids.entries()) transactions.push(await findTransaction(em, id, `ids.${i}`));
  await em.execute('select id from payment_transaction where id = any(?::bigint[]) order by id for update', [bigintArray(transactions.map((t) => t.id))]);
  const errors = [];
  for (const [i, transaction] of transactions.entries()) {
    await em.refresh(transaction);
    const to = TransactionState[mark];
    if (!canMove(transaction.state, to)) errors.push({ field: `ids.${i}`, message: `is ${transaction.state}: it cannot become ${to}`, code: UserErrorCode.NOT_ALLOWED });
    else transaction.state = to;
  }
  if (errors.length) throw new UserInputError(errors);
  await em.flush();
  noteTouched(audit, null, ...ids);
  return transactions;
}

export async function findProcess(em: EntityManager, globalId: string, field = 'id'): Promise<TransactionProcess> {
  const process = await em.findOne(TransactionProcess, { id: idOf('TransactionProcess', globalId, field) });
  if (!process) throw new NotFoundError('TransactionProcess', field);
  return process;
}

/**
 * Marks a whole process: executed (the bank took the file), secured (the money arrived: committed) or rejected (the
 * bank refused the file: aborted). Each of its transactions that may make the move makes it; those already further
 * (secured or rejected one by one) are left alone. A committed or aborted process is final.
 */
export async function markProcess({ em, audit }: UseCase, id: string, mark: TransactionMark): Promise<TransactionProcess> {
  const process = await findProcess(em, id);
  await em.execute('select id from transaction_process where id = ? for update', [process.id]);
  await em.refresh(process);
  const rule = PROCESS_MARKS[mark];
  if (!rule.from.includes(process.state)) throw new UserInputError('id', `is ${process.state}: it cannot be marked ${mark}`, UserErrorCode.NOT_ALLOWED);
  const to = TransactionState[mark];
  const transactions = await em.find(Transaction, { process: process.id }, { orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE });
  for (const transaction of transactions) if (canMove(transaction.state, to)) transaction.state = to;
  process.state = rule.process;
  await em.flush();
  noteTouched(audit, null, id);
  return process;
}

import type { Decimal } from 'decimal.js';
import { BillingDecimal } from '../billing/money.js';
import { BillType } from '../entities/bills/bill-enums.js';
import { TransactionState } from '../entities/payments/payment-enums.js';

/** Where a bill's payment stands, from its transactions (the original's states). */
export enum BillPaymentState {
  /** Open, or a proforma: nothing to pay yet. */
  OPEN = 'OPEN',
  /** Its secured transactions cover the total. */
  PAID = 'PAID',
  /** Some is paid or on its way, but less than the total. */
  INCOMPLETE = 'INCOMPLETE',
  /** A transaction waits to be processed (its SEPA file not made yet). */
  CREATED = 'CREATED',
  /** A transaction waits to be executed (file made, or a bank transfer expected). */
  PROCESSED = 'PROCESSED',
  /** A transaction is executed, not secured yet. */
  EXECUTED = 'EXECUTED',
  /** Every transaction was rejected: nothing is on its way. */
  BAD_DEBT = 'BAD_DEBT',
}

/**
 * A bill's payment state (inventory §6.5): paid when what is secured reaches the total, incomplete when what is
 * secured or on its way falls short of it, else the furthest-behind state of its live transactions, bad debt when all
 * were rejected. Sign-aware: an amendment's negative total is paid when its refunds reach it.
 */
export function billPaymentState(bill: { isOpen: boolean; type: BillType }, total: Decimal, transactions: { state: TransactionState; amount: string }[]): BillPaymentState {
  if (bill.isOpen || bill.type === BillType.PROFORMA) return BillPaymentState.OPEN;
  let secured = new BillingDecimal(0);
  let pending = new BillingDecimal(0);
  const live = new Set<TransactionState>();
  for (const t of transactions) {
    if (t.state === TransactionState.REJECTED) continue;
    pending = pending.plus(t.amount);
    if (t.state === TransactionState.SECURED) secured = secured.plus(t.amount);
    else live.add(t.state);
  }
  const ongoing = !secured.isZero() || live.size > 0;
  // Reaching the total: at or beyond it in the total's direction.
  const reaches = (amount: Decimal) => (total.isNegative() ? amount.lessThanOrEqualTo(total) : amount.greaterThanOrEqualTo(total));
  if (reaches(secured)) return BillPaymentState.PAID;
  if (ongoing && !reaches(pending)) return BillPaymentState.INCOMPLETE;
  if (live.has(TransactionState.WAITING_PROCESSING)) return BillPaymentState.CREATED;
  if (live.has(TransactionState.WAITING_EXECUTION)) return BillPaymentState.PROCESSED;
  if (live.has(TransactionState.EXECUTED)) return BillPaymentState.EXECUTED;
  return BillPaymentState.BAD_DEBT;
}

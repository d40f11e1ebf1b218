import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, addMonths } from '../billing/orders/calendar.js';
import { formatMoney } from '../billing/money.js';
import { BillType } from '../entities/bills/bill-enums.js';
import { Bill } from '../entities/bills/bill.js';
import { PaymentMethod } from '../entities/payments/payment-enums.js';
import { initialState } from '../payments/transaction-states.js';
import { NotFoundError } from '../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { idOf } from '../schema/relay/global-id.js';
import { billTotals } from './bill-totals.js';
import { nextBillNumber } from './numbering.js';
import { renderBillHtml } from './document/render-bill.js';
import { queueBillEmail } from './email/queue-bill-email.js';

/** How long a bill may wait for its payment: a SEPA debit is taken in 5 days; otherwise a month. */
export function dueOn(closedOn: string, method: PaymentMethod | null): string {
  return method === PaymentMethod.SEPA_DIRECT_DEBIT ? addDays(closedOn, 5) : addMonths(closedOn, 1);
}

export async function findBill(em: EntityManager, globalId: string, field = 'id'): Promise<Bill> {
  const bill = await em.findOne(Bill, { id: idOf('Bill', globalId, field) });
  if (!bill) throw new NotFoundError('Bill', field);
  return bill;
}

/**
 * Closes an open bill (inventory §6.5), in the caller's transaction: the next gapless number of its prefix and year,
 * the due date from the account's default payment source, the document frozen as rendered now, and — but for a
 * proforma — the transaction for its total (waiting to be processed for a SEPA debit, waiting execution otherwise,
 * secured at once when there is nothing to pay). Refused (NOT_ALLOWED) when already closed, without lines, or when
 * its account has no billing contact. Its e-mail to the account's billing addresses is queued in the same
 * transaction (./email/): a committed close is always sent, once; a rolled-back one never.
 */
export async function closeBill(em: EntityManager, bill: Bill, today: string, field = 'id', requestedBy = 'system'): Promise<Bill> {
  await em.execute('select id from bill where id = ? for update', [bill.id]);
  await em.refresh(bill);
  if (!bill.isOpen) throw new UserInputError(field, 'is already closed', UserErrorCode.NOT_ALLOWED);
  const hasContact: { n: number }[] = await em.execute('select count(*)::int as n from bill_contact where account_id = ?', [bill.account.id]);
  if (!hasContact[0]!.n) throw new UserInputError(field, "its account has no billing contact (name and address the bill is made out to)", UserErrorCode.NOT_ALLOWED);
  const lines: { n: number }[] = await em.execute('select count(*)::int as n from bill_line where bill_id = ?', [bill.id]);
  if (!lines[0]!.n) throw new UserInputError(field, 'has no lines', UserErrorCode.NOT_ALLOWED);
  const sources: { id: string; method: PaymentMethod }[] = await em.execute(
    'select id::text, method from payment_source where account_id = ? and is_active order by id limit 1',
    [bill.account.id],
  );
  const source = sources[0] ?? null;
  bill.number = await nextBillNumber(em, bill.type, Number(today.slice(0, 4)));
  bill.isOpen = false;
  bill.closedOn = today;
  bill.dueOn = dueOn(today, source?.method ?? null);
  await em.flush();
  bill.html = await renderBillHtml(em, bill);
  await em.flush();
  if (bill.type !== BillType.PROFORMA) {
    const { total } = await billTotals(em, bill.id);
    const state = initialState(source?.method ?? null, total.isZero());
    await em.execute(
      `insert into payment_transaction (created_at, updated_at, bill_id, account_id, source_id, state, amount, currency)
       values (now(), now(), ?, ?, ?, ?, ?, 'EUR')`,
      [bill.id, bill.account.id, source?.id ?? null, state, formatMoney(total)],
      'run',
    );
  }
  await queueBillEmail(em, bill, requestedBy);
  return bill;
}

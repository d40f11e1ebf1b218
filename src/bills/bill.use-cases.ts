import { dayOf } from '../billing/orders/calendar.js';
import { formatMoney } from '../billing/money.js';
import { Bill } from '../entities/bills/bill.js';
import type { BillEmail } from '../entities/bills/bill-email.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { totalsByTaxRate, billTotal } from '../invoicing/totals.js';
import { invoiceRun } from '../invoicing/run/invoice-run.js';
import { idOf } from '../schema/relay/global-id.js';
import type { UseCase } from '../use-cases/use-case.js';
import { closeBill, findBill } from './close-bill.js';
import { undoBilling } from './undo-billing.js';
import { amendBill, type AmendLineRequest } from './amend-bill.js';
import { queueBillEmail } from './email/queue-bill-email.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function checkedDay(field: string, value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || dayOf(new Date(`${value}T00:00:00Z`)) !== value) {
    throw new UserInputError(field, 'must be a day, YYYY-MM-DD');
  }
  return value;
}

export interface BillOrdersRequest {
  accountIds?: string[];
  serviceIds?: string[];
  orderIds?: string[];
  billingPoint?: string;
  fixedPoint: boolean;
  proforma: boolean;
  newOpen: boolean;
  preview: boolean;
}

/**
 * An admin's billing of selected orders (the original's "Bill selected orders"), in the mutation's transaction:
 * every account of the selection, each locked while billed. A preview computes the same bills and writes nothing.
 */
export async function billOrders({ em }: UseCase, input: BillOrdersRequest, today = dayOf(new Date())) {
  const billingPoint = input.billingPoint ? checkedDay('input.billingPoint', input.billingPoint) : today;
  const selection = {
    accountIds: (input.accountIds ?? []).map((id) => idOf('Account', id, 'input.accountIds')),
    serviceIds: (input.serviceIds ?? []).map((id) => idOf('Service', id, 'input.serviceIds')),
    orderIds: (input.orderIds ?? []).map((id) => idOf('Order', id, 'input.orderIds')),
  };
  const options = { billingPoint, fixedPoint: input.fixedPoint, proforma: input.proforma, newOpen: input.newOpen, preview: input.preview, today };
  const run = await invoiceRun(em, selection, options, (work) => work(em), true);
  const billIds = [...new Set(run.billings.flatMap((b) => b.billIds))];
  const bills = billIds.length ? await em.find(Bill, { id: { $in: billIds } }, { orderBy: { id: 'asc' } }) : [];
  const previews = input.preview
    ? run.billings.flatMap((b) =>
        b.groups.map((g) => ({
          accountId: b.accountId,
          type: g.type,
          lines: g.lines.map((l) => ({
            orderId: l.orderId, description: l.description, startOn: l.startOn, endOn: l.endOn, quantity: l.metric.times(l.size).toString(),
            rate: l.rate.toString(), subtotal: l.subtotal.toFixed(2), sublines: l.sublines.map((s) => ({ type: s.type, description: s.type, total: s.total.toFixed(2) })),
          })),
          totals: totalsByTaxRate(g.lines).map((t) => ({ taxRate: t.taxRate.toFixed(2), base: formatMoney(t.base), tax: formatMoney(t.tax), total: formatMoney(t.total) })),
          total: formatMoney(billTotal(g.lines)),
        })),
      )
    : [];
  return { accounts: run.accounts, lines: run.lines, bills, previews };
}

export async function closeBillUseCase({ em, actor }: UseCase, id: string, today = dayOf(new Date())): Promise<Bill> {
  return closeBill(em, await findBill(em, id), today, 'id', actor.name);
}

/** An admin's (re)sending of a closed bill: a new e-mail (a new Message-ID) to the account's billing addresses now. */
export async function sendBillUseCase({ em, actor }: UseCase, id: string): Promise<BillEmail> {
  const bill = await findBill(em, id);
  if (bill.isOpen) throw new UserInputError('id', 'is open: only a closed bill is sent', UserErrorCode.NOT_ALLOWED);
  const email = await queueBillEmail(em, bill, actor.name);
  if (!email) throw new UserInputError('id', 'its account has no contact whose e-mail is for billing', UserErrorCode.NOT_ALLOWED);
  return email;
}

export async function undoBillingUseCase({ em }: UseCase, lineIds: string[]): Promise<number> {
  if (lineIds.length === 0) throw new UserInputError('lineIds', 'name at least one line', UserErrorCode.REQUIRED);
  return undoBilling(em, lineIds.map((id) => idOf('BillLine', id, 'lineIds')));
}

export async function amendBillUseCase({ em }: UseCase, input: { billId: string; lines: AmendLineRequest[] }): Promise<Bill> {
  return amendBill(em, input.billId, input.lines);
}

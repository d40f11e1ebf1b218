import { dayOf } from '../billing/orders/calendar.js';
import { formatMoney } from '../billing/money.js';
import { Bill } from '../entities/bills/bill.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { totalsByTaxRate, billTotal } from '../invoicing/totals.js';
import { invoiceRun } from '../invoicing/run/invoice-run.js';
import { idOf } from '../schema/relay/global-id.js';
import type { UseCase } from '../use-cases/use-case.js';
import { closeBill, findBill } from './close-bill.js';
import { undoBilling } from './undo-billing.js';

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

export async function closeBillUseCase({ em }: UseCase, id: string, today = dayOf(new Date())): Promise<Bill> {
  return closeBill(em, await findBill(em, id), today);
}

export async function undoBillingUseCase({ em }: UseCase, lineIds: string[]): Promise<number> {
  if (lineIds.length === 0) throw new UserInputError('lineIds', 'name at least one line', UserErrorCode.REQUIRED);
  return undoBilling(em, lineIds.map((id) => idOf('BillLine', id, 'lineIds')));
}

import { billWithMetric } from './bill-with-metric.js';
import { billWithOrders, emptyState } from './bill-with-orders.js';
import { pricerFor } from './pricing.js';
import type { AccountServiceInput, BillingOptions, InvoicingResult, OrderBilling } from './invoicing-types.js';

/**
 * The bill lines of one account's orders under one service and the orders' new billing state (inventory §6.3
 * `generate_bill_lines`). Pure: the caller stores both (or nothing, for a preview or a proforma). Only orders that got
 * a line move (billed on `today`), and the givers whose prepaid time a compensation used.
 */
export function generateLines(input: AccountServiceInput, options: BillingOptions): InvoicingResult {
  const price = pricerFor(input);
  const state = emptyState();
  const lines = input.service.hasMetric ? billWithMetric(input, options, price, state) : billWithOrders(input, options, price, state);
  const byId = new Map(input.orders.map((o) => [o.id, o]));
  const orders: OrderBilling[] = [];
  for (const id of new Set(lines.map((l) => l.orderId))) {
    const order = byId.get(id)!;
    orders.push({
      orderId: id,
      billed: true,
      billedUntil: state.newUntil.get(id) ?? order.billedUntil,
      billedMetric: state.newMetric.get(id) ?? order.billedMetric,
      before: { billedOn: order.billedOn, billedUntil: order.billedUntil, billedMetric: order.billedMetric },
    });
  }
  for (const [id, until] of state.giverUntil) {
    const order = byId.get(id)!;
    orders.push({ orderId: id, billed: false, billedUntil: until, billedMetric: order.billedMetric, before: { billedOn: order.billedOn, billedUntil: order.billedUntil, billedMetric: order.billedMetric } });
  }
  return { lines, orders };
}

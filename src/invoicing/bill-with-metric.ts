import type { Decimal } from 'decimal.js';
import { BillingDecimal, roundMoney } from '../billing/money.js';
import { BillingPeriod, PaymentStyle, PricingPeriod } from '../entities/billing/billing-enums.js';
import { maxDay, minDay } from './days.js';
import type { BillingState } from './bill-with-orders.js';
import { buildLine } from './line-builder.js';
import { metricAt, metricChanges, metricIn } from './metric-history.js';
import { billingPointOf, effectivePricingPeriod, priceSize, pricingSlots } from './periods.js';
import type { Pricer } from './pricing.js';
import { SublineType, type AccountServiceInput, type BillingOptions, type ComputedLine, type InvoicingOrder } from './invoicing-types.js';

/** A combination of periods the original never implemented either: such a service bills nothing (and says why). */
export class UnsupportedMetricMode extends Error {}

const ZERO = new BillingDecimal(0);

/**
 * Services with a metric (inventory §6.3 `bill_with_metric`), by (billing period, pricing period, payment style):
 * - periodic, no pricing period (disk-like): a line per stretch of constant metric, at the rated price of the metric;
 *   prepaid and already billed, a metric that grew since is recharged (the prepaid part as a PREPAY discount);
 * - pricing period = billing period, postpay (traffic-like): a line per pricing slot at the latest metric in it;
 * - a monthly or annual pricing period, prepay (prepaid packs, and the default prepay per billing period, which the
 *   original refused): today's metric for each slot;
 * - one-time, no pricing period (job-like): once, at today's metric.
 */
export function billWithMetric(input: AccountServiceInput, options: BillingOptions, price: Pricer, state: BillingState): ComputedLine[] {
  const { service } = input;
  const pricing = effectivePricingPeriod(service);
  const periodic = service.billingPeriod !== BillingPeriod.ONE_TIME;
  const lines: ComputedLine[] = [];
  for (const order of input.orders) {
    if (input.billIds && !input.billIds.has(order.id)) continue;
    const bp = billingPointOf(service, order, options);
    let rechargedUntil = '0001-01-01';
    if (periodic && pricing === PricingPeriod.NEVER && service.paymentStyle === PaymentStyle.PREPAY && order.billedOn && order.billedUntil) {
      const recharge = rechargeLines(input, order, bp, price);
      if (recharge.lines.length) {
        lines.push(...recharge.lines);
        rechargedUntil = recharge.until;
        state.newUntil.set(order.id, order.billedUntil);
        state.newMetric.set(order.id, recharge.metric);
      }
    }
    if (order.billedUntil && order.cancelledOn && order.cancelledOn >= order.billedUntil) continue;
    if (periodic) {
      const ini = order.billedUntil ?? order.registeredOn;
      if (bp <= ini) continue;
      let metric: Decimal | null = null;
      const own: ComputedLine[] = [];
      if (pricing === PricingPeriod.NEVER) {
        for (const change of metricChanges(order.metrics, ini, bp)) {
          metric = change.value;
          if (change.value.greaterThan(0)) own.push(buildLine(service, order, { price: price(change.value), ini: maxDay(rechargedUntil, change.ini), end: change.end, metric: change.value }));
        }
      } else if (pricing === (service.billingPeriod as string) && service.paymentStyle === PaymentStyle.POSTPAY) {
        for (const [cini, cend] of pricingSlots(service, ini, bp, order.registeredOn)) {
          metric = metricIn(order.metrics, cini, cend) ?? ZERO;
          if (metric.greaterThan(0)) own.push(buildLine(service, order, { price: price(metric), ini: cini, end: cend, metric }));
        }
      } else {
        // Prepaid: today's metric for each slot ahead (the original refused prepay with the billing period's pricing,
        // the services' default; it is the same as a prepaid pack priced per period).
        if (service.paymentStyle !== PaymentStyle.PREPAY) throw new UnsupportedMetricMode('a metric with postpay and a pricing period other than the billing period');
        metric = metricAt(order.metrics, options.today) ?? ZERO;
        if (metric.greaterThan(0)) {
          // Each slot only over the stretch billed: a slot is aligned to the billing point and may start before it.
          for (const [cini, cend] of pricingSlots(service, ini, bp, order.registeredOn)) own.push(buildLine(service, order, { price: price(metric), ini: maxDay(cini, ini), end: minDay(cend, bp), metric }));
        }
      }
      state.newUntil.set(order.id, bp);
      if (metric) state.newMetric.set(order.id, metric);
      lines.push(...own);
    } else {
      if (order.billedUntil) continue;
      if (pricing !== PricingPeriod.NEVER) throw new UnsupportedMetricMode('a one-time metric with a pricing period');
      const metric = metricAt(order.metrics, options.today) ?? ZERO;
      state.newUntil.set(order.id, options.today);
      state.newMetric.set(order.id, metric);
      lines.push(buildLine(service, order, { price: price(metric), ini: options.today, end: options.today, metric }));
    }
  }
  return lines;
}

/**
 * A prepaid order whose metric grew after it was billed: what the metric changes since cost over the prepaid
 * stretch, less what was prepaid (its billed metric over that stretch), billed only when more was used than paid.
 * The billed metric becomes the latest one, so the same growth is never recharged twice (the original kept the old
 * one and recharged it again on every run).
 */
function rechargeLines(input: AccountServiceInput, order: InvoicingOrder, bp: string, price: Pricer): { lines: ComputedLine[]; until: string; metric: Decimal } {
  const { service } = input;
  const rini = order.billedOn!;
  const rend = minDay(bp, order.billedUntil!);
  const billedMetric = order.billedMetric ?? metricAt(order.metrics, rini) ?? ZERO;
  let prepaid = roundMoney(price(billedMetric).times(priceSize(service, rini, rend)));
  const pieces: { price: Decimal; discount: Decimal; ini: string; end: string; metric: Decimal }[] = [];
  let last = billedMetric;
  let until = rini;
  for (const change of metricChanges(order.metrics, rini, rend)) {
    const cini = maxDay(change.ini, rini);
    const cost = roundMoney(price(change.value).times(priceSize(service, cini, change.end)));
    const discount = BillingDecimal.min(cost, BillingDecimal.max(prepaid, 0));
    prepaid = prepaid.minus(cost);
    last = change.value;
    until = change.end;
    if (cost.minus(discount).greaterThan(0)) pieces.push({ price: cost, discount, ini: cini, end: change.end, metric: change.value });
  }
  if (!prepaid.isNegative()) return { lines: [], until, metric: last };
  const lines = pieces.map((p) =>
    buildLine(service, order, {
      price: p.price,
      computed: true,
      ini: p.ini,
      end: p.end,
      metric: p.metric,
      discounts: p.discount.greaterThan(0) ? [{ type: SublineType.PREPAY, amount: p.discount.negated() }] : [],
    }),
  );
  return { lines, until, metric: last };
}

import type { Decimal } from 'decimal.js';
import { BillingDecimal } from '../money.js';
import type { PlanRates, PriceStep } from './rate-types.js';
import { standardize } from './standardize.js';
import { mergeSteps } from './steps.js';

/**
 * Best price: every rate whose quantity the metric reaches, from every plan, is a candidate that may price units up
 * to the unit before its plan's next rate (the last one: up to the metric), as many times as the plan is contracted.
 * Units are filled from the cheapest candidate on; a candidate whose reach ends before the units already filled is
 * out of its range and skipped. Example (inventory §6.4): rates 0:0, 2:9, 3:8, 4:7, 5:10, 10:5 give 1×0 + 4×7 + 4×10
 * for 9 units and 1×0 + 9×5 for 10.
 */
export function bestPrice(plans: readonly PlanRates[], nominalPrice: Decimal, metric: Decimal): PriceStep[] {
  const candidates: { price: Decimal; reach: Decimal; fold: number }[] = [];
  for (const plan of plans) {
    const own: { price: Decimal; reach: Decimal; fold: number }[] = [];
    for (const rate of standardize(plan.rates, nominalPrice)) {
      if (metric.lessThan(rate.quantity)) break;
      const previous = own.at(-1);
      if (previous && previous.price.equals(rate.price)) continue; // the same price goes on: one candidate
      if (previous) previous.reach = new BillingDecimal(rate.quantity - 1);
      own.push({ price: rate.price, reach: metric, fold: plan.contracts });
    }
    candidates.push(...own);
  }
  candidates.sort((a, b) => a.price.comparedTo(b.price));
  const taken: PriceStep[] = [];
  let accumulated = new BillingDecimal(0);
  for (const candidate of candidates) {
    if (candidate.reach.lessThan(accumulated)) continue;
    const quantity = BillingDecimal.min(candidate.reach.times(candidate.fold), metric.minus(accumulated));
    accumulated = accumulated.plus(quantity);
    taken.push({ quantity, price: candidate.price });
  }
  return mergeSteps(taken);
}

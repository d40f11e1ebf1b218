import type { Decimal } from 'decimal.js';
import type { PlanRates, PriceStep } from './rate-types.js';
import { standardize } from './standardize.js';

/**
 * Match price: in each plan the rate with the greatest quantity not above the metric; the cheapest of those prices
 * the WHOLE metric. Multiple contracts of a plan change nothing here.
 */
export function matchPrice(plans: readonly PlanRates[], nominalPrice: Decimal, metric: Decimal): PriceStep[] {
  let cheapest: Decimal | null = null;
  for (const plan of plans) {
    const reached = standardize(plan.rates, nominalPrice).filter((r) => metric.greaterThanOrEqualTo(r.quantity));
    const rate = reached.at(-1);
    if (rate && (cheapest === null || rate.price.lessThan(cheapest))) cheapest = rate.price;
  }
  if (cheapest === null || !metric.greaterThan(0)) return [];
  return [{ quantity: metric, price: cheapest }];
}

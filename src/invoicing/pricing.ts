import type { Decimal } from 'decimal.js';
import { rate } from '../billing/rating/rate-algorithm.js';
import { totalOf, unitPriceAt } from '../billing/rating/steps.js';
import type { AccountServiceInput } from './invoicing-types.js';

/**
 * The account's price of a metric under the service's rates (inventory §6.4): the total of `metric` units, or, with a
 * position, the price of the position-th unit when `metric` are held (concurrent orders). Exact; lines round.
 */
export type Pricer = (metric: Decimal, position?: number) => Decimal;

export function pricerFor(input: Pick<AccountServiceInput, 'service' | 'rates'>): Pricer {
  const { service, rates } = input;
  return (metric, position) => {
    const steps = rate(service.rateAlgorithm, rates, service.nominalPrice, metric);
    if (position === undefined) return totalOf(steps);
    return unitPriceAt(steps, Math.max(position, 1)) ?? service.nominalPrice;
  };
}

export function hasRates(input: Pick<AccountServiceInput, 'rates'>): boolean {
  return input.rates.some((p) => p.rates.length > 0);
}

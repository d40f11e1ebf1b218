import type { Decimal } from 'decimal.js';
import { bestPrice } from './best-price.js';
import { matchPrice } from './match-price.js';
import type { PlanRates, PriceStep } from './rate-types.js';
import { stepPrice } from './step-price.js';
import { mergeSteps } from './steps.js';

/** How a service turns an account's rates and a metric into price steps (inventory §6.4). */
export enum RateAlgorithm {
  STEP_PRICE = 'STEP_PRICE',
  MATCH_PRICE = 'MATCH_PRICE',
  BEST_PRICE = 'BEST_PRICE',
}

const ALGORITHMS: Record<RateAlgorithm, (plans: readonly PlanRates[], nominalPrice: Decimal, metric: Decimal) => PriceStep[]> = {
  [RateAlgorithm.STEP_PRICE]: stepPrice,
  [RateAlgorithm.MATCH_PRICE]: matchPrice,
  [RateAlgorithm.BEST_PRICE]: bestPrice,
};

/**
 * The price steps of `metric` units for an account whose plans give these rates. Without any rate every unit costs
 * the nominal price. Plans without a rate for the service are not passed here.
 */
export function rate(algorithm: RateAlgorithm, plans: readonly PlanRates[], nominalPrice: Decimal, metric: Decimal): PriceStep[] {
  const withRates = plans.filter((p) => p.rates.length > 0);
  if (withRates.length === 0) return mergeSteps([{ quantity: metric, price: nominalPrice }]);
  return ALGORITHMS[algorithm](withRates, nominalPrice, metric);
}

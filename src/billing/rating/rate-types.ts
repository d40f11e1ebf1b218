import type { Decimal } from 'decimal.js';

/** One rate of a plan: from unit `quantity` on (0 and 1 both mean the first unit), each unit costs `price`. */
export interface RateInput {
  quantity: number;
  price: Decimal;
}

/**
 * The rates one plan gives an account for a service, ordered by quantity, with how many times the account has the
 * plan (`contracts`: more than 1 only for plans that allow multiple contracts; a default plan counts once).
 */
export interface PlanRates {
  planId: string;
  isCombinable: boolean;
  contracts: number;
  rates: RateInput[];
}

/** A piece of the rated metric: `quantity` units at `price` each. Zero-unit steps are never returned. */
export interface PriceStep {
  quantity: Decimal;
  price: Decimal;
}

import type { Decimal } from 'decimal.js';
import { BillingDecimal } from '../money.js';
import type { PriceStep } from './rate-types.js';

/** Steps without the empty ones, neighbours of the same price joined. */
export function mergeSteps(steps: readonly { quantity: Decimal; price: Decimal }[]): PriceStep[] {
  const merged: PriceStep[] = [];
  for (const step of steps) {
    if (!step.quantity.greaterThan(0)) continue;
    const last = merged.at(-1);
    if (last && last.price.equals(step.price)) last.quantity = last.quantity.plus(step.quantity);
    else merged.push({ quantity: step.quantity, price: step.price });
  }
  return merged;
}

/** Σ quantity × price, exact (round it with roundMoney where it becomes an amount). */
export function totalOf(steps: readonly PriceStep[]): Decimal {
  return steps.reduce((sum, s) => sum.plus(s.quantity.times(s.price)), new BillingDecimal(0));
}

/** The price of the `position`-th unit (1-based) under these steps; the last step's beyond them. */
export function unitPriceAt(steps: readonly PriceStep[], position: number): Decimal | null {
  let reached = new BillingDecimal(0);
  for (const step of steps) {
    reached = reached.plus(step.quantity);
    if (reached.greaterThanOrEqualTo(position)) return step.price;
  }
  return steps.at(-1)?.price ?? null;
}

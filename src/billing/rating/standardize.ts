import type { Decimal } from 'decimal.js';
import type { RateInput } from './rate-types.js';

/**
 * A plan whose first rate starts after the first unit leaves the first units unpriced: they cost the service's
 * nominal price, as a rate at quantity 0 put in front (django-orchestra's `_standardize`, per plan here: the original
 * applied the first plan's smallest quantity to all plans, and prepended once per duplicated row of a plan contracted
 * several times, which broke the order of its rates).
 */
export function standardize(rates: readonly RateInput[], nominalPrice: Decimal): RateInput[] {
  const sorted = [...rates].sort((a, b) => a.quantity - b.quantity);
  if (sorted.length === 0 || sorted[0]!.quantity > 0) return [{ quantity: 0, price: nominalPrice }, ...sorted];
  return sorted;
}

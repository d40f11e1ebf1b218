import type { Decimal } from 'decimal.js';
import { BillingDecimal } from '../money.js';
import type { PlanRates, PriceStep } from './rate-types.js';
import { standardize } from './standardize.js';
import { mergeSteps, totalOf } from './steps.js';

/** A tier of one plan: `quantity` units at `price`, usable from unit `barrier` on. */
interface Tier {
  quantity: Decimal;
  price: Decimal;
  barrier: Decimal;
}

/**
 * The tiers of one plan for `metric` units: a rate at quantity q prices the units from q (1 for q = 0) up to the next
 * rate's quantity. A plan contracted n times (allow multiple) has each tier that is followed by a dearer one n times
 * as wide. The last tier takes what is left.
 */
function tiersOf(plan: PlanRates, nominalPrice: Decimal, metric: Decimal): Tier[] {
  const rates = standardize(plan.rates, nominalPrice);
  const tiers: Tier[] = [];
  let accumulated = new BillingDecimal(0);
  let barrier = new BillingDecimal(1);
  for (let k = 0; k < rates.length; k++) {
    const rate = rates[k]!;
    const next = rates[k + 1];
    let width: Decimal;
    let unfolded: Decimal;
    let end = false;
    if (!next) {
      width = metric.minus(accumulated);
      unfolded = width;
    } else {
      unfolded = new BillingDecimal(next.quantity - Math.max(rate.quantity, 1));
      width = next.price.greaterThan(rate.price) ? unfolded.times(plan.contracts) : unfolded;
      if (accumulated.plus(width).greaterThan(metric)) {
        width = metric.minus(accumulated);
        end = true;
      }
    }
    tiers.push({ quantity: width, price: rate.price, barrier });
    accumulated = accumulated.plus(width);
    barrier = barrier.plus(unfolded);
    if (end) break;
  }
  return tiers;
}

/**
 * Combinable plans together: each unit, in order, takes the cheapest tier already reachable (its barrier passed) with
 * units left, and a tier stops short of the first unit where a cheaper tier of another plan becomes reachable.
 * (The original's merge took one unit at a time near such a barrier and could overshoot it by more than one unit when
 * a tier was wide; this takes exactly up to it.)
 */
function mergeCombinable(tierLists: Tier[][], metric: Decimal): PriceStep[] {
  const pool = tierLists
    .flat()
    .map((t) => ({ ...t }))
    .sort((a, b) => a.price.comparedTo(b.price));
  const taken: PriceStep[] = [];
  let counter = new BillingDecimal(0);
  while (counter.lessThan(metric)) {
    const unit = counter.plus(1);
    const best = pool.find((t) => t.quantity.greaterThan(0) && t.barrier.lessThanOrEqualTo(unit));
    if (!best) break;
    let take = BillingDecimal.min(best.quantity, metric.minus(counter));
    for (const cheaper of pool) {
      if (!cheaper.price.lessThan(best.price) || !cheaper.quantity.greaterThan(0) || cheaper.barrier.lessThanOrEqualTo(unit)) continue;
      take = BillingDecimal.min(take, cheaper.barrier.minus(1).minus(counter));
    }
    best.quantity = best.quantity.minus(take);
    counter = counter.plus(take);
    taken.push({ quantity: take, price: best.price });
  }
  return mergeSteps(taken);
}

/**
 * Step price (progressive tiers): every tier up to the metric applies. Non-combinable plans are priced each on its
 * own; combinable plans together (mergeCombinable); the cheapest outcome wins (on a tie, the first non-combinable plan
 * in plan order, then the combinable ones).
 */
export function stepPrice(plans: readonly PlanRates[], nominalPrice: Decimal, metric: Decimal): PriceStep[] {
  let best: { total: Decimal; steps: PriceStep[] } | null = null;
  const consider = (steps: PriceStep[]) => {
    const total = totalOf(steps);
    if (!best || total.lessThan(best.total)) best = { total, steps };
  };
  const combinable: Tier[][] = [];
  for (const plan of plans) {
    const tiers = tiersOf(plan, nominalPrice, metric);
    if (plan.isCombinable) combinable.push(tiers);
    else consider(mergeSteps(tiers));
  }
  // One combinable plan alone is its own tiers (the original re-used the last plan's rates here, whichever it was).
  if (combinable.length === 1) consider(mergeSteps(combinable[0]!));
  else if (combinable.length > 1) consider(mergeCombinable(combinable, metric));
  return best ? (best as { steps: PriceStep[] }).steps : [];
}

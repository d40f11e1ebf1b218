import type { EntityManager } from '@mikro-orm/postgresql';
import type { Decimal } from 'decimal.js';
import type { Service } from '../../entities/billing/service.js';
import { BillingDecimal } from '../money.js';
import { rate, type RateAlgorithm } from './rate-algorithm.js';
import type { PlanRates, PriceStep } from './rate-types.js';
import { totalOf } from './steps.js';

/**
 * The rates an account has for a service (inventory §6.4): those of every active default plan and of every active
 * plan it contracted, grouped by plan in plan order, with how many times it contracted each (a default plan it also
 * contracted counts its contracts). One statement.
 */
export async function accountRates(em: EntityManager, serviceId: string, accountId: string): Promise<PlanRates[]> {
  const rows: { plan_id: string; is_combinable: boolean; contracts: string; quantity: number; price: string }[] = await em.execute(
    `with held as (
       select p.id, p.is_combinable, greatest(count(c.id), case when p.is_default then 1 else 0 end) as contracts
         from plan p left join contracted_plan c on c.plan_id = p.id and c.account_id = ?
        where p.is_active group by p.id having p.is_default or count(c.id) > 0)
     select h.id::text as plan_id, h.is_combinable, h.contracts::text, r.quantity, r.price::text
       from held h join rate r on r.plan_id = h.id and r.service_id = ?
      order by h.id, r.quantity`,
    [accountId, serviceId],
  );
  const plans = new Map<string, PlanRates>();
  for (const row of rows) {
    const plan = plans.get(row.plan_id) ?? { planId: row.plan_id, isCombinable: row.is_combinable, contracts: Number(row.contracts), rates: [] };
    plan.rates.push({ quantity: row.quantity, price: new BillingDecimal(row.price) });
    plans.set(row.plan_id, plan);
  }
  return [...plans.values()];
}

/** The price steps of `metric` units of a service for an account, and their exact total (round it where it is billed). */
export async function accountPrice(em: EntityManager, service: Pick<Service, 'id' | 'rateAlgorithm' | 'nominalPrice'>, accountId: string, metric: Decimal): Promise<{ steps: PriceStep[]; total: Decimal }> {
  const steps = rate(service.rateAlgorithm as RateAlgorithm, await accountRates(em, service.id, accountId), new BillingDecimal(service.nominalPrice), metric);
  return { steps, total: totalOf(steps) };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingDecimal } from '../../billing/money.js';
import type { RateAlgorithm } from '../../billing/rating/rate-algorithm.js';
import type { PlanRates } from '../../billing/rating/rate-types.js';
import type { BillingPeriod, BillingPoint, OnCancel, PaymentStyle, PricingPeriod } from '../../entities/billing/billing-enums.js';
import type { AccountServiceInput, InvoicingOrder, InvoicingService } from '../invoicing-types.js';

/** Which orders a run or an admin's `billOrders` bills; empty lists mean no restriction. */
export interface OrderSelection {
  accountIds?: readonly string[];
  serviceIds?: readonly string[];
  orderIds?: readonly string[];
}

interface OrderRow {
  id: string;
  service_id: string;
  registered_on: string;
  cancelled_on: string | null;
  billed_on: string | null;
  billed_until: string | null;
  billed_metric: string | null;
  description: string;
  metrics: { day: string; value: string; seen: string }[] | null;
}

interface ServiceRow {
  id: string;
  billing_period: BillingPeriod;
  billing_point: BillingPoint;
  payment_style: PaymentStyle;
  pricing_period: PricingPeriod;
  on_cancel: OnCancel;
  rate_algorithm: RateAlgorithm;
  nominal_price: string;
  tax_rate: string;
  metric: string;
  is_fee: boolean;
}

/**
 * What invoicing needs of one account, read in three statements: its not-ignored orders of active services (the
 * selected ones and their siblings, which compensate and set positions) with their metric history, the services,
 * and its rates (the same rules as src/billing/rating/account-rates.ts, for every service at once).
 */
export async function accountInputs(em: EntityManager, accountId: string, selection: OrderSelection): Promise<AccountServiceInput[]> {
  const services: ServiceRow[] = await em.execute(
    `select s.id::text, s.billing_period, s.billing_point, s.payment_style, s.pricing_period, s.on_cancel, s.rate_algorithm,
            s.nominal_price::text, s.tax_rate::text, s.metric, s.is_fee
       from service s
      where s.is_active and exists (select 1 from billing_order o where o.service_id = s.id and o.account_id = ? and not o.ignore)
        and (?::jsonb = '[]'::jsonb or s.id in (select (jsonb_array_elements_text(?::jsonb))::bigint))`,
    [accountId, JSON.stringify(selection.serviceIds ?? []), JSON.stringify(selection.serviceIds ?? [])],
  );
  if (services.length === 0) return [];
  const serviceIds = JSON.stringify(services.map((s) => s.id));
  const orders: OrderRow[] = await em.execute(
    `select o.id::text, o.service_id::text, o.registered_on::text, o.cancelled_on::text, o.billed_on::text, o.billed_until::text,
            o.billed_metric::text, o.description,
            (select jsonb_agg(jsonb_build_object('day', m.created_on::text, 'value', m.value::text, 'seen', (m.updated_at at time zone 'UTC')::date::text) order by m.created_on)
               from order_metric m where m.order_id = o.id) as metrics
       from billing_order o
      where o.account_id = ? and not o.ignore and o.service_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)
      order by o.id`,
    [accountId, serviceIds],
  );
  const rateRows: { service_id: string; plan_id: string; is_combinable: boolean; contracts: string; quantity: number; price: string }[] = await em.execute(
    `with held as (
       select p.id, p.is_combinable, greatest(count(c.id), case when p.is_default then 1 else 0 end) as contracts
         from plan p left join contracted_plan c on c.plan_id = p.id and c.account_id = ?
        where p.is_active group by p.id having p.is_default or count(c.id) > 0)
     select r.service_id::text, h.id::text as plan_id, h.is_combinable, h.contracts::text, r.quantity, r.price::text
       from held h join rate r on r.plan_id = h.id
      where r.service_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)
      order by h.id, r.quantity`,
    [accountId, serviceIds],
  );
  const selected = selection.orderIds?.length ? new Set(selection.orderIds) : undefined;
  return services.map((s) => {
    const plans = new Map<string, PlanRates>();
    for (const r of rateRows.filter((row) => row.service_id === s.id)) {
      const plan = plans.get(r.plan_id) ?? { planId: r.plan_id, isCombinable: r.is_combinable, contracts: Number(r.contracts), rates: [] };
      plan.rates.push({ quantity: r.quantity, price: new BillingDecimal(r.price) });
      plans.set(r.plan_id, plan);
    }
    const serviceOrders = orders.filter((o) => o.service_id === s.id).map(toOrder);
    return {
      service: toService(s),
      rates: [...plans.values()],
      orders: serviceOrders,
      ...(selected ? { billIds: new Set(serviceOrders.filter((o) => selected.has(o.id)).map((o) => o.id)) } : {}),
    };
  });
}

function toService(row: ServiceRow): InvoicingService {
  return {
    id: row.id,
    billingPeriod: row.billing_period,
    billingPoint: row.billing_point,
    paymentStyle: row.payment_style,
    pricingPeriod: row.pricing_period,
    onCancel: row.on_cancel,
    rateAlgorithm: row.rate_algorithm,
    nominalPrice: new BillingDecimal(row.nominal_price),
    taxRate: new BillingDecimal(row.tax_rate),
    hasMetric: row.metric.trim() !== '',
    isFee: row.is_fee,
  };
}

function toOrder(row: OrderRow): InvoicingOrder {
  return {
    id: row.id,
    registeredOn: row.registered_on,
    cancelledOn: row.cancelled_on,
    billedOn: row.billed_on,
    billedUntil: row.billed_until,
    billedMetric: row.billed_metric === null ? null : new BillingDecimal(row.billed_metric),
    description: row.description,
    metrics: (row.metrics ?? []).map((m) => ({ day: m.day, value: new BillingDecimal(m.value), seenOn: m.seen })),
  };
}

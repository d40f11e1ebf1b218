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
 * What invoicing needs of one account: `pageInputs` for it alone (read after its lock, when its page's read is stale).
 */
export async function accountInputs(em: EntityManager, accountId: string, selection: OrderSelection): Promise<AccountServiceInput[]> {
  return (await pageInputs(em, [accountId], selection)).get(accountId) ?? [];
}

/**
 * What invoicing needs of a page of accounts, read in three statements whatever the page's size: each account's
 * not-ignored orders of active services (the selected ones and their siblings, which compensate and set positions)
 * with their metric history, the services, and each account's rates (the same rules as
 * src/billing/rating/account-rates.ts, for every service at once). An account without such services is absent.
 */
export async function pageInputs(em: EntityManager, accountIds: readonly string[], selection: OrderSelection): Promise<Map<string, AccountServiceInput[]>> {
  const accounts = JSON.stringify(accountIds);
  const serviceFilter = JSON.stringify(selection.serviceIds ?? []);
  // The account's services: active, of its not-ignored orders, within the selection.
  const services: (ServiceRow & { account_id: string })[] = await em.execute(
    `select distinct o.account_id::text, s.id::text, s.billing_period, s.billing_point, s.payment_style, s.pricing_period, s.on_cancel,
            s.rate_algorithm, s.nominal_price::text, s.tax_rate::text, s.metric, s.is_fee, s.id as service_order
       from billing_order o join service s on s.id = o.service_id
      where o.account_id in (select (jsonb_array_elements_text(?::jsonb))::bigint) and not o.ignore and s.is_active
        and (?::jsonb = '[]'::jsonb or s.id in (select (jsonb_array_elements_text(?::jsonb))::bigint))
      order by o.account_id::text, s.id`,
    [accounts, serviceFilter, serviceFilter],
  );
  if (services.length === 0) return new Map();
  const orders: (OrderRow & { account_id: string })[] = await em.execute(
    `select o.account_id::text, o.id::text, o.service_id::text, o.registered_on::text, o.cancelled_on::text, o.billed_on::text, o.billed_until::text,
            o.billed_metric::text, o.description,
            (select jsonb_agg(jsonb_build_object('day', m.created_on::text, 'value', m.value::text, 'seen', (m.updated_at at time zone 'UTC')::date::text) order by m.created_on)
               from order_metric m where m.order_id = o.id) as metrics
       from billing_order o join service s on s.id = o.service_id
      where o.account_id in (select (jsonb_array_elements_text(?::jsonb))::bigint) and not o.ignore and s.is_active
        and (?::jsonb = '[]'::jsonb or s.id in (select (jsonb_array_elements_text(?::jsonb))::bigint))
      order by o.id`,
    [accounts, serviceFilter, serviceFilter],
  );
  // Per account, its plans (contracted, or default) and their rates for the account's services.
  const rateRows: { account_id: string; service_id: string; plan_id: string; is_combinable: boolean; contracts: string; quantity: number; price: string }[] = await em.execute(
    `with page as (select distinct o.account_id, o.service_id from billing_order o join service s on s.id = o.service_id
                    where o.account_id in (select (jsonb_array_elements_text(?::jsonb))::bigint) and not o.ignore and s.is_active),
     held as (
       select a.account_id, p.id, p.is_combinable, greatest(count(c.id), case when p.is_default then 1 else 0 end) as contracts
         from (select distinct account_id from page) a cross join plan p
         left join contracted_plan c on c.plan_id = p.id and c.account_id = a.account_id
        where p.is_active group by a.account_id, p.id having p.is_default or count(c.id) > 0)
     select h.account_id::text, r.service_id::text, h.id::text as plan_id, h.is_combinable, h.contracts::text, r.quantity, r.price::text
       from held h join rate r on r.plan_id = h.id join page on page.account_id = h.account_id and page.service_id = r.service_id
      order by h.account_id, h.id, r.quantity`,
    [accounts],
  );
  const selected = selection.orderIds?.length ? new Set(selection.orderIds) : undefined;
  const inputs = new Map<string, AccountServiceInput[]>();
  const ordersOf = groupBy(orders, (o) => `${o.account_id}/${o.service_id}`);
  const ratesOf = groupBy(rateRows, (r) => `${r.account_id}/${r.service_id}`);
  for (const s of services) {
    const key = `${s.account_id}/${s.id}`;
    const plans = new Map<string, PlanRates>();
    for (const r of ratesOf.get(key) ?? []) {
      const plan = plans.get(r.plan_id) ?? { planId: r.plan_id, isCombinable: r.is_combinable, contracts: Number(r.contracts), rates: [] };
      plan.rates.push({ quantity: r.quantity, price: new BillingDecimal(r.price) });
      plans.set(r.plan_id, plan);
    }
    const serviceOrders = (ordersOf.get(key) ?? []).map(toOrder);
    const account = inputs.get(s.account_id) ?? [];
    account.push({
      service: toService(s),
      rates: [...plans.values()],
      orders: serviceOrders,
      ...(selected ? { billIds: new Set(serviceOrders.filter((o) => selected.has(o.id)).map((o) => o.id)) } : {}),
    });
    inputs.set(s.account_id, account);
  }
  return inputs;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
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

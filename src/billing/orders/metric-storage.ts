import type { EntityManager } from '@mikro-orm/postgresql';
import type { Decimal } from 'decimal.js';
import { BillingDecimal, METRIC_PLACES } from '../money.js';
import { dayOf } from './calendar.js';

/**
 * A new day's value is kept only when it differs from the last kept one by MORE than this (absolute, in the metric's
 * unit, as the original's ORDERS_METRIC_ERROR), or drops to zero; otherwise the last one stands.
 */
export const METRIC_THRESHOLD = new BillingDecimal('0.05');

export interface MetricWrite {
  orderId: string;
  value: Decimal;
}

export interface MetricStoreCounts {
  inserted: number;
  overwritten: number;
  unchanged: number;
}

/**
 * The rules of metric storage as SQL, for one statement that also writes the orders (orders.update writes a page in
 * ONE statement: the history is no second round trip). Common table expressions reading `params(at, today,
 * threshold)` (`metricParams`) and a relation `source(order_id, value)` of the values to store; counted by
 * `METRIC_COUNTS`. Per order, by the latest row kept: none → a row for today; a row of today → its value overwritten
 * (one row per day); an older row → a new row for today when the value moved by more than METRIC_THRESHOLD or dropped
 * to zero, else that row stands (its `updated_at`, when a value within the threshold was last stored, bumped once a
 * day). Storing the same values again the same day changes nothing. Data-modifying CTEs see the statement's snapshot:
 * orders inserted by the same statement have no history yet, which is what `latest` finds. (`= any(array(…))`: an index
 * scan per order; `in (select …)` let the planner guess the source's size and scan the whole history.)
 */
export function metricStorageCtes(source: string): string {
  return `metric_latest as (
      select distinct on (m.order_id) m.id, m.order_id, m.value, m.created_on, (m.updated_at at time zone 'UTC')::date as seen_on
        from order_metric m where m.order_id = any(array(select order_id from ${source})) order by m.order_id, m.created_on desc),
    metric_decided as (
      select w.order_id, w.value, l.id as latest_id,
             case when l.id is null then 'insert'
                  when l.created_on = params.today then case when l.value = w.value then 'unchanged' else 'overwrite' end
                  when abs(w.value - l.value) > params.threshold or (w.value = 0 and l.value <> 0) then 'insert'
                  when l.seen_on < params.today then 'touch'
                  else 'unchanged' end as action
        from (select order_id, round(value, ${METRIC_PLACES}) as value from ${source}) w cross join params left join metric_latest l on l.order_id = w.order_id),
    metric_inserted as (
      insert into order_metric (created_at, updated_at, order_id, value, created_on)
      select params.at, params.at, d.order_id, d.value, params.today from metric_decided d cross join params where d.action = 'insert' returning 1),
    metric_overwritten as (
      update order_metric m set value = d.value, updated_at = params.at from metric_decided d cross join params
       where d.action = 'overwrite' and m.id = d.latest_id returning 1),
    metric_touched as (
      update order_metric m set updated_at = params.at from metric_decided d cross join params
       where d.action = 'touch' and m.id = d.latest_id returning 1)`;
}

/** The first CTE of such a statement, `params`, and its three bindings (in this order, first in the statement). */
export const METRIC_PARAMS_CTE = 'params as (select ?::timestamptz as at, ?::date as today, ?::numeric as threshold)';
export function metricParams(at: Date): unknown[] {
  return [at, dayOf(at), METRIC_THRESHOLD.toString()];
}

/** The select list that counts what metricStorageCtes did. */
export const METRIC_COUNTS = `(select count(*) from metric_inserted)::int as metric_inserted, (select count(*) from metric_overwritten)::int as metric_overwritten,
  (select count(*) from metric_decided where action in ('unchanged', 'touch'))::int as metric_unchanged`;

export function metricCountsOf(row: { metric_inserted: number; metric_overwritten: number; metric_unchanged: number }): MetricStoreCounts {
  return { inserted: row.metric_inserted, overwritten: row.metric_overwritten, unchanged: row.metric_unchanged };
}

/**
 * Stores the metrics of several orders as seen at `at`, in one statement (the rules: metricStorageCtes). The order
 * updater stores only metrics that changed since its last evaluation (the order's `metric`), in the statement that
 * writes the orders.
 */
export async function storeMetrics(em: EntityManager, writes: readonly MetricWrite[], at: Date): Promise<MetricStoreCounts> {
  if (writes.length === 0) return { inserted: 0, overwritten: 0, unchanged: 0 };
  const rows: { metric_inserted: number; metric_overwritten: number; metric_unchanged: number }[] = await em.execute(
    `with ${METRIC_PARAMS_CTE},
      source as (select * from jsonb_to_recordset(?::jsonb) as v(order_id bigint, value numeric)),
      ${metricStorageCtes('source')}
     select ${METRIC_COUNTS}`,
    [...metricParams(at), JSON.stringify(writes.map((w) => ({ order_id: w.orderId, value: w.value.toString() })))],
  );
  return metricCountsOf(rows[0]!);
}

/** A stretch of days over which an order's metric had one value: [from, to). */
export interface MetricInterval {
  from: string;
  to: string;
  value: Decimal;
}

/** The value in effect on `day` (the latest kept on or before it); null before the first. For invoicing. */
export async function metricAt(em: EntityManager, orderId: string, day: string): Promise<Decimal | null> {
  const rows: { value: string }[] = await em.execute(
    'select value::text from order_metric where order_id = ? and created_on <= ?::date order by created_on desc limit 1',
    [orderId, day],
  );
  return rows[0] ? new BillingDecimal(rows[0].value) : null;
}

/** The latest value kept within [from, to), else the one in effect on `from`: a pricing slot's metric (traffic). */
export async function metricIn(em: EntityManager, orderId: string, from: string, to: string): Promise<Decimal | null> {
  const rows: { value: string }[] = await em.execute(
    'select value::text from order_metric where order_id = ? and created_on >= ?::date and created_on < ?::date order by created_on desc limit 1',
    [orderId, from, to],
  );
  return rows[0] ? new BillingDecimal(rows[0].value) : metricAt(em, orderId, from);
}

/** The intervals of [from, to) over which the metric stood still, in order (none before its first value). */
export async function metricChanges(em: EntityManager, orderId: string, from: string, to: string): Promise<MetricInterval[]> {
  const start = await metricAt(em, orderId, from);
  const rows: { value: string; created_on: string }[] = await em.execute(
    'select value::text, created_on::text from order_metric where order_id = ? and created_on > ?::date and created_on < ?::date order by created_on',
    [orderId, from, to],
  );
  const points = [...(start ? [{ day: from, value: start }] : []), ...rows.map((r) => ({ day: r.created_on, value: new BillingDecimal(r.value) }))];
  return points.map((p, i) => ({ from: p.day, to: points[i + 1]?.day ?? to, value: p.value }));
}

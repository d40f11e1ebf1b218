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

interface LatestRow {
  id: string;
  order_id: string;
  value: string;
  created_on: string;
  seen_on: string;
}

/**
 * Stores the metrics of several orders as seen at `at`, in three statements at most (orders.update stores a page at
 * once). Per order, by the latest row kept: none → a row for today; a row of today → its value overwritten (one row
 * per day); an older row → a new row for today when the value moved by more than METRIC_THRESHOLD or dropped to
 * zero, else that row stands (its `updated_at` says when a value within the threshold was last stored, bumped once a
 * day). Storing the same values again the same day changes nothing. The order updater stores only metrics that
 * changed since its last evaluation (the order's `metric`).
 */
export async function storeMetrics(em: EntityManager, writes: readonly MetricWrite[], at: Date): Promise<MetricStoreCounts> {
  const counts: MetricStoreCounts = { inserted: 0, overwritten: 0, unchanged: 0 };
  if (writes.length === 0) return counts;
  const today = dayOf(at);
  const latest: LatestRow[] = await em.execute(
    `select distinct on (order_id) id::text, order_id::text, value::text, created_on::text, (updated_at at time zone 'UTC')::date::text as seen_on
       from order_metric where order_id in (select (jsonb_array_elements_text(?::jsonb))::bigint) order by order_id, created_on desc`,
    [JSON.stringify(writes.map((w) => w.orderId))],
  );
  const byOrder = new Map(latest.map((r) => [r.order_id, r]));
  const inserts: { order_id: string; value: string }[] = [];
  const overwrites: { id: string; value: string }[] = [];
  const touches: string[] = [];
  for (const write of writes) {
    const value = write.value.toDecimalPlaces(METRIC_PLACES);
    const last = byOrder.get(write.orderId);
    if (!last) {
      inserts.push({ order_id: write.orderId, value: value.toString() });
    } else if (last.created_on === today) {
      if (value.equals(last.value)) counts.unchanged++;
      else overwrites.push({ id: last.id, value: value.toString() });
    } else if (value.minus(last.value).abs().greaterThan(METRIC_THRESHOLD) || (value.isZero() && !new BillingDecimal(last.value).isZero())) {
      inserts.push({ order_id: write.orderId, value: value.toString() });
    } else {
      counts.unchanged++;
      if (last.seen_on < today) touches.push(last.id);
    }
  }
  if (inserts.length) {
    await em.execute(
      `insert into order_metric (created_at, updated_at, order_id, value, created_on)
       select ?, ?, v.order_id, v.value, ?::date from jsonb_to_recordset(?::jsonb) as v(order_id bigint, value numeric)`,
      [at, at, today, JSON.stringify(inserts)],
      'run',
    );
  }
  if (overwrites.length) {
    await em.execute(
      `update order_metric m set value = v.value, updated_at = ? from jsonb_to_recordset(?::jsonb) as v(id bigint, value numeric) where m.id = v.id`,
      [at, JSON.stringify(overwrites)],
      'run',
    );
  }
  if (touches.length) {
    await em.execute(`update order_metric set updated_at = ? where id in (select (jsonb_array_elements_text(?::jsonb))::bigint)`, [at, JSON.stringify(touches)], 'run');
  }
  counts.inserted = inserts.length;
  counts.overwritten = overwrites.length;
  return counts;
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

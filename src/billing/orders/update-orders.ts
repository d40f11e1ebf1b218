import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingDecimal } from '../money.js';
import { Service } from '../../entities/billing/service.js';
import type { IgnorePeriod } from '../../entities/billing/billing-enums.js';
import type { BilledObject } from '../billed-objects.js';
import { cancelledInIgnorePeriod, dayOf } from './calendar.js';
import { compileService, type CompiledService } from './compiled-service.js';
import { billingFieldsOf, type BillingFields } from '../expressions/billing-context.js';
import { textLanguageOf } from '../../i18n/languages.js';
import { bigintArray } from '../../resources/sql-arrays.js';
import { METRIC_PARAMS_CTE, metricParams, metricStorageCtes } from './metric-storage.js';
import { log } from '../../observability/logger.js';

export interface OrderCounts {
  created: number;
  updated: number;
  cancelled: number;
  unchanged: number;
  /** Metrics that could not be evaluated (logged; the order keeps its last metric). */
  metricFailures: number;
}

export function emptyCounts(): OrderCounts {
  return { created: 0, updated: 0, cancelled: 0, unchanged: 0, metricFailures: 0 };
}

export function addCounts(a: OrderCounts, b: OrderCounts): OrderCounts {
  return {
    created: a.created + b.created,
    updated: a.updated + b.updated,
    cancelled: a.cancelled + b.cancelled,
    unchanged: a.unchanged + b.unchanged,
    metricFailures: a.metricFailures + b.metricFailures,
  };
}

interface ActiveOrder {
  id: string;
  service_id: string;
  object_id: string;
  description: string;
  metric: string | null;
  registered_on: string;
}

/**
 * Compiled services, by id, version (a service's save changes its updatedAt) and the fields its model has now (a
 * resource defined, renamed or deactivated changes them): compiling once per commit or page.
 */
const compiledCache = new Map<string, CompiledService>();

function compiledOf(service: Service, fields: BillingFields): CompiledService {
  const key = `${service.id}:${service.updatedAt.getTime()}:${fields.fields.join(',')}:${fields.booleanFields.join(',')}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    if (compiledCache.size > 1000) compiledCache.clear();
    compiled = compileService(service, fields);
    compiledCache.set(key, compiled);
  }
  return compiled;
}

export async function activeServicesOf(em: EntityManager, model: string): Promise<Service[]> {
  return em.find(Service, { model, isActive: true }, { filters: false, orderBy: { id: 'asc' } });
}

const ids = (values: readonly string[]) => JSON.stringify(values);

/**
 * Brings the orders of these objects (of one model, relations loaded) in line with the services: for each service
 * whose match holds, an active order with the current description and metric (metric history kept, see
 * metric-storage.ts); where it no longer holds, the active order cancelled (ignored inside the ignore period). A new
 * order of an account type the service does not bill is ignored. Set-based: a handful of statements per call,
 * whatever the number of objects, so orders.update can run it on pages. Returns what it changed.
 */
export async function updateOrdersOfObjects(
  em: EntityManager,
  model: string,
  objects: readonly BilledObject[],
  options: { services?: Service[]; at?: Date } = {},
): Promise<OrderCounts> {
  const counts = emptyCounts();
  const services = options.services ?? (await activeServicesOf(em, model));
  if (services.length === 0 || objects.length === 0) return counts;
  const at = options.at ?? new Date();
  const today = dayOf(at);
  const active: ActiveOrder[] = await em.execute(
    // `= any(array)`: an index scan of (model, object_id) per page; a subquery over jsonb made the planner guess its
    // size and scan the whole table (bench/orders-update.ts).
    `select id::text, service_id::text, object_id::text, description, metric::text, registered_on::text from billing_order
      where model = ? and cancelled_on is null and object_id = any(?::bigint[]) and service_id = any(?::bigint[])`,
    [model, bigintArray(objects.map((o) => o.id)), bigintArray(services.map((s) => s.id))],
  );
  const orderOf = new Map(active.map((o) => [`${o.service_id}:${o.object_id}`, o]));
  const inserts: Record<string, unknown>[] = [];
  const updates: { id: string; description: string; metric: string | null; store: boolean }[] = [];
  const cancels: { id: string; ignore: boolean }[] = [];
  const fields = await billingFieldsOf(em, model);
  for (const service of services) {
    const compiled = compiledOf(service, fields);
    if (!compiled.match.ok || !compiled.metric.ok || !compiled.description.ok) continue; // refused when saved; an older row
    for (const object of objects) {
      const { context, label } = object;
      const order = orderOf.get(`${service.id}:${object.id}`);
      if (!compiled.match.evaluate(context)) {
        if (order) cancels.push({ id: order.id, ignore: cancelledInIgnorePeriod(order.registered_on, today, service.ignorePeriod as IgnorePeriod) });
        continue;
      }
      const description = (compiled.description.render(context, textLanguageOf((context.account as { language?: unknown } | null)?.language)) || `${service.description}: ${label}`).slice(0, 256);
      const evaluated = compiled.metric.evaluate(context);
      let metric: string | null = order?.metric ?? null;
      if (evaluated.ok) metric = evaluated.value === null ? null : evaluated.value.toDecimalPlaces(3).toFixed(3);
      else {
        counts.metricFailures++;
        log.warn({ service: service.description, model, objectId: object.id, err: evaluated.message }, 'order metric could not be evaluated');
      }
      if (!order) {
        const accountType = (context.account as { type?: string } | null)?.type ?? '';
        inserts.push({
          account_id: object.accountId,
          service_id: service.id,
          object_id: object.id,
          object_label: label,
          description,
          metric,
          ignore: service.ignoredAccountTypes.includes(accountType),
        });
        continue;
      }
      // Both texts have 3 places (numeric(20,3) as text, toFixed(3)): equal texts are equal values, the usual case.
      const metricChanged = metric !== order.metric && ((metric === null) !== (order.metric === null) || !new BillingDecimal(metric!).equals(order.metric!));
      // An unchanged metric is already the latest kept (or within the threshold of it): nothing to store.
      if (description !== order.description || metricChanged) updates.push({ id: order.id, description, metric, store: metricChanged });
      else counts.unchanged++;
    }
  }
  const written = await writeOrders(em, model, { inserts, updates, cancels }, at);
  counts.created = written.created;
  counts.updated = written.updated;
  counts.cancelled = written.cancelled;
  return counts;
}

interface OrderWrites {
  inserts: readonly Record<string, unknown>[];
  /** `store`: the metric changed, so it goes to the history too. */
  updates: readonly { id: string; description: string; metric: string | null; store: boolean }[];
  cancels: readonly { id: string; ignore: boolean }[];
}

/**
 * Writes a batch's orders — new ones, refreshed ones, cancelled ones — and the history of their new metrics in ONE
 * statement (data-modifying CTEs; the metric rules are metric-storage.ts's): orders.update pays one round trip per
 * page for all its writes (bench/orders-update.ts). New orders' metrics are stored from the inserted rows themselves.
 */
async function writeOrders(em: EntityManager, model: string, writes: OrderWrites, at: Date): Promise<{ created: number; updated: number; cancelled: number }> {
  const { inserts, updates, cancels } = writes;
  if (inserts.length === 0 && updates.length === 0 && cancels.length === 0) return { created: 0, updated: 0, cancelled: 0 };
  const rows: { created: number; updated: number; cancelled: number }[] = await em.execute(
    `with ${METRIC_PARAMS_CTE},
      new_orders as (select * from jsonb_to_recordset(?::jsonb)
        as v(account_id bigint, service_id bigint, object_id bigint, object_label text, description text, metric numeric, ignore boolean)),
      created as (
        insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, description, metric, ignore)
        select params.at, params.at, v.account_id, v.service_id, ?, v.object_id, v.object_label, params.today, v.description, v.metric, v.ignore
          from new_orders v cross join params
        returning id, metric),
      changes as (select * from jsonb_to_recordset(?::jsonb) as v(id bigint, description text, metric numeric, store boolean)),
      changed as (
        update billing_order o set description = v.description, metric = v.metric, updated_at = params.at
          from changes v cross join params where o.id = v.id
        returning o.id),
      cancels as (select * from jsonb_to_recordset(?::jsonb) as v(id bigint, ignore boolean)),
      cancelled as (
        update billing_order o set cancelled_on = params.today, ignore = o.ignore or v.ignore, updated_at = params.at
          from cancels v cross join params where o.id = v.id
        returning o.id),
      metrics as (
        select id as order_id, metric as value from created where metric is not null
        union all select id, metric from changes where store and metric is not null),
      ${metricStorageCtes('metrics')}
     select (select count(*) from created)::int as created, (select count(*) from changed)::int as updated, (select count(*) from cancelled)::int as cancelled`,
    [...metricParams(at), JSON.stringify(inserts), model, JSON.stringify(updates), JSON.stringify(cancels)],
  );
  return rows[0]!;
}

async function cancelOrders(em: EntityManager, cancels: readonly { id: string; ignore: boolean }[], at: Date): Promise<number> {
  return (await writeOrders(em, '', { inserts: [], updates: [], cancels }, at)).cancelled;
}

/** Cancels every active order of these deleted objects (of any service), ignored when inside its ignore period. */
export async function cancelOrdersOfDeleted(em: EntityManager, model: string, objectIds: readonly string[], at: Date = new Date()): Promise<number> {
  if (objectIds.length === 0) return 0;
  const orders: { id: string; registered_on: string; ignore_period: IgnorePeriod }[] = await em.execute(
    `select o.id::text, o.registered_on::text, s.ignore_period from billing_order o join service s on s.id = o.service_id
      where o.model = ? and o.cancelled_on is null and o.object_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)`,
    [model, ids(objectIds)],
  );
  if (orders.length === 0) return 0;
  const today = dayOf(at);
  return cancelOrders(em, orders.map((o) => ({ id: o.id, ignore: cancelledInIgnorePeriod(o.registered_on, today, o.ignore_period) })), at);
}

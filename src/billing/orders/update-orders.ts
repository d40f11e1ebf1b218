import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingDecimal } from '../money.js';
import { Service } from '../../entities/billing/service.js';
import type { IgnorePeriod } from '../../entities/billing/billing-enums.js';
import type { BilledObject } from '../billed-objects.js';
import { cancelledInIgnorePeriod, dayOf } from './calendar.js';
import { compileService, type CompiledService } from './compiled-service.js';
import { billingFieldsOf, type BillingFields } from '../expressions/billing-context.js';
import { storeMetrics, type MetricWrite } from './metric-storage.js';

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
    `select id::text, service_id::text, object_id::text, description, metric::text, registered_on::text from billing_order
      where model = ? and cancelled_on is null
        and service_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)
        and object_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)`,
    [model, ids(services.map((s) => s.id)), ids(objects.map((o) => o.id))],
  );
  const orderOf = new Map(active.map((o) => [`${o.service_id}:${o.object_id}`, o]));
  const inserts: Record<string, unknown>[] = [];
  const updates: { id: string; description: string; metric: string | null }[] = [];
  const cancels: { id: string; ignore: boolean }[] = [];
  const metrics: MetricWrite[] = [];
  const newMetrics = new Map<string, string>();
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
      const description = (compiled.description.render(context) || `${service.description}: ${label}`).slice(0, 256);
      const evaluated = compiled.metric.evaluate(context);
      let metric: string | null = order?.metric ?? null;
      if (evaluated.ok) metric = evaluated.value === null ? null : evaluated.value.toDecimalPlaces(3).toFixed(3);
      else {
        counts.metricFailures++;
        console.warn(`[orders] ${service.description}: metric of ${model} ${object.id}: ${evaluated.message}`);
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
        if (metric !== null) newMetrics.set(`${service.id}:${object.id}`, metric);
        continue;
      }
      const metricChanged = (metric === null) !== (order.metric === null) || (metric !== null && !new BillingDecimal(metric).equals(order.metric!));
      if (description !== order.description || metricChanged) updates.push({ id: order.id, description, metric });
      else counts.unchanged++;
      // An unchanged metric is already the latest kept (or within the threshold of it): nothing to store.
      if (metric !== null && metricChanged) metrics.push({ orderId: order.id, value: new BillingDecimal(metric) });
    }
  }
  if (inserts.length) {
    const created: { id: string; service_id: string; object_id: string }[] = await em.execute(
      `insert into billing_order (created_at, updated_at, account_id, service_id, model, object_id, object_label, registered_on, description, metric, ignore)
       select ?, ?, v.account_id, v.service_id, ?, v.object_id, v.object_label, ?::date, v.description, v.metric, v.ignore
         from jsonb_to_recordset(?::jsonb) as v(account_id bigint, service_id bigint, object_id bigint, object_label text, description text, metric numeric, ignore boolean)
       returning id::text, service_id::text, object_id::text`,
      [at, at, model, today, JSON.stringify(inserts)],
    );
    for (const row of created) {
      const metric = newMetrics.get(`${row.service_id}:${row.object_id}`);
      if (metric !== undefined) metrics.push({ orderId: row.id, value: new BillingDecimal(metric) });
    }
    counts.created = created.length;
  }
  if (updates.length) {
    await em.execute(
      `update billing_order o set description = v.description, metric = v.metric, updated_at = ?
         from jsonb_to_recordset(?::jsonb) as v(id bigint, description text, metric numeric) where o.id = v.id`,
      [at, JSON.stringify(updates)],
      'run',
    );
    counts.updated = updates.length;
  }
  if (cancels.length) counts.cancelled = await cancelOrders(em, cancels, at);
  if (metrics.length) await storeMetrics(em, metrics, at);
  return counts;
}

async function cancelOrders(em: EntityManager, cancels: readonly { id: string; ignore: boolean }[], at: Date): Promise<number> {
  await em.execute(
    `update billing_order o set cancelled_on = ?::date, ignore = o.ignore or v.ignore, updated_at = ?
       from jsonb_to_recordset(?::jsonb) as v(id bigint, ignore boolean) where o.id = v.id`,
    [dayOf(at), at, JSON.stringify(cancels)],
    'run',
  );
  return cancels.length;
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

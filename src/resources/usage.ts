import type { EntityManager } from '@mikro-orm/postgresql';
import { ResourceData } from '../entities/resources/resource-data.js';
import type { Resource } from '../entities/resources/resource.js';
import { aggregate, windowStart, type Aggregation, type Sample } from './aggregations.js';
import { findMonitor } from './monitors/registry.js';
import { entityClassOf, relationPath } from './resource-paths.js';
import { parseScale } from './scale-expression.js';
import { bigintArray, floatArray } from './sql-arrays.js';

/** An object whose usage crossed its allocation (exceeded) or came back under it (recovered) in this update. */
export interface LimitTransition {
  objectId: string;
  accountId: string;
  exceeded: boolean;
  used: number;
  allocated: number | null;
}

/** The objects of a resource's model (all, or these), with their account. */
async function objectsOf(em: EntityManager, model: string, objectIds?: readonly string[]): Promise<{ id: string; accountId: string }[]> {
  const where = objectIds ? { id: { $in: [...objectIds] } } : {};
  if (model === 'Account') {
    const rows = await em.find(entityClassOf<{ id: string }>(em, model), where, { fields: ['id'], filters: false });
    return rows.map((r) => ({ id: String(r.id), accountId: String(r.id) }));
  }
  const rows = await em.find(entityClassOf<{ id: string; account: { id: string } }>(em, model), where, { fields: ['id', 'account'], filters: false });
  return rows.map((r) => ({ id: String(r.id), accountId: String(r.account.id) }));
}

/** Which monitored object (of `monitorModel`) belongs to which of `objectIds` (of the resource's model), by `path`. */
export async function monitoredObjects(em: EntityManager, monitorModel: string, path: string, objectIds: readonly string[]): Promise<Map<string, string>> {
  if (path === '') return new Map(objectIds.map((id) => [id, id]));
  const related = (await em.find(entityClassOf<object>(em, monitorModel), { [path]: { $in: [...objectIds] } } as object, { fields: ['id', path] as never, filters: false })) as unknown as ({ id: string } & Record<string, unknown>)[];
  return new Map(related.map((r) => [String(r.id), String((r[path] as { id: string }).id)]));
}

/** Samples of `monitor` for the objects, from the aggregation's window (and the last one before it). */
async function samplesOf(em: EntityManager, monitor: string, ids: string[], from: Date | null): Promise<Map<string, Sample[]>> {
  const conn = em.getConnection();
  const latest = `select distinct on (object_id) object_id, created_at, value from monitor_data where monitor = ? and object_id = any(?::bigint[])`;
  const rows = from
    ? await conn.execute<{ object_id: string; created_at: Date; value: number }[]>(
        `select object_id, created_at, value from monitor_data where monitor = ? and object_id = any(?::bigint[]) and created_at >= ?
         union all (${latest} and created_at < ? order by object_id, created_at desc)`,
        [monitor, bigintArray(ids), from, monitor, bigintArray(ids), from],
      )
    : await conn.execute<{ object_id: string; created_at: Date; value: number }[]>(`${latest} order by object_id, created_at desc`, [monitor, bigintArray(ids)]);
  const series = new Map<string, Sample[]>();
  for (const row of rows) {
    const id = String(row.object_id);
    const list = series.get(id) ?? [];
    list.push({ at: new Date(row.created_at), value: Number(row.value) });
    series.set(id, list);
  }
  return series;
}

/**
 * Recomputes `used` of a resource for its objects (all, or these) from its monitors' samples, through roll-ups
 * (an account's disk: its system users' and databases' samples), stores it, and moves the limit state on
 * transitions only: used crossing above the allocation sets `limitExceeded`, coming back clears it (the original
 * fired its action on every run). Returns the transitions; the caller commits them through the outbox
 * (./limit-transitions.ts) so the services' saves are operations like any change.
 */
export async function computeUsage(em: EntityManager, resource: Resource, objectIds?: readonly string[], now = new Date()) {
  const objects = await objectsOf(em, resource.model, objectIds);
  if (objects.length === 0) return { objects: 0, transitions: [] as LimitTransition[] };
  const scale = parseScale(resource.scale);
  const divisor = scale.ok ? scale.value : 1;
  const from = windowStart(resource.aggregation as Aggregation, now, resource.aggregationDays);
  const seriesByObject = new Map<string, Sample[][]>(objects.map((o) => [o.id, []]));
  for (const name of resource.monitors) {
    const monitor = findMonitor(name);
    const path = monitor && relationPath(em, monitor.model, resource.model);
    if (!monitor || path === null || path === undefined) continue;
    const owner = await monitoredObjects(em, monitor.model, path, objects.map((o) => o.id));
    if (owner.size === 0) continue;
    const samples = await samplesOf(em, monitor.name, [...owner.keys()], from);
    for (const [monitoredId, series] of samples) seriesByObject.get(owner.get(monitoredId)!)?.push(series);
  }
  const used = objects.map((o) => {
    const raw = aggregate(resource.aggregation as Aggregation, seriesByObject.get(o.id)!, now, resource.aggregationDays);
    return raw === null ? null : raw / divisor;
  });
  await em.getConnection().execute(
    `insert into resource_data (created_at, updated_at, resource_id, model, object_id, account_id, used, measured_at, limit_exceeded)
     select ?, ?, ?, ?, o, a, u, ?, false from unnest(?::bigint[], ?::bigint[], ?::float8[]) as t(o, a, u)
     on conflict (resource_id, object_id) do update set used = excluded.used, measured_at = excluded.measured_at, updated_at = excluded.updated_at`,
    [now, now, resource.id, resource.model, now, bigintArray(objects.map((o) => o.id)), bigintArray(objects.map((o) => o.accountId)), floatArray(used)],
  );
  return { objects: objects.length, transitions: await limitTransitions(em, resource, objects.map((o) => o.id)) };
}

/** The objects whose limit state differs from what their usage and allocation say now. */
async function limitTransitions(em: EntityManager, resource: Resource, ids: string[]): Promise<LimitTransition[]> {
  const rows = await em.find(ResourceData, { resource: resource.id, objectId: { $in: ids } }, { filters: false });
  const transitions: LimitTransition[] = [];
  for (const row of rows) {
    const allocated = row.allocated ?? resource.defaultAllocation;
    const over = resource.limitActions && resource.isActive && !resource.onDemand && row.used !== null && allocated !== null && row.used > allocated;
    if (over !== row.limitExceeded) {
      transitions.push({ objectId: row.objectId, accountId: row.account.id, exceeded: over, used: row.used ?? 0, allocated });
    }
  }
  return transitions;
}

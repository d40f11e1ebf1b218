import type { EntityManager } from '@mikro-orm/postgresql';
import type { Resource } from '../entities/resources/resource.js';
import { findMonitor } from './monitors/registry.js';
import { relationPath } from './resource-paths.js';
import { parseScale } from './scale-expression.js';
import { monitoredObjects } from './usage.js';
import { bigintArray } from './sql-arrays.js';

export type Bucket = 'hour' | 'day' | 'month';

/**
 * An object's usage of a resource over [from, to] in buckets, for charts: per monitored object, the mean of a
 * disk-like monitor's samples in the bucket and the sum of a traffic-like one's, added up over the monitored objects
 * (a roll-up), divided by the scale. One query per monitor, grouped by PostgreSQL.
 */
export async function resourceHistory(em: EntityManager, resource: Resource, objectId: string, from: Date, to: Date, bucket: Bucket): Promise<{ at: Date; value: number }[]> {
  const scale = parseScale(resource.scale);
  const divisor = scale.ok ? scale.value : 1;
  const totals = new Map<number, number>();
  for (const name of resource.monitors) {
    const monitor = findMonitor(name);
    const path = monitor ? relationPath(em, monitor.model, resource.model) : null;
    if (!monitor || path === null) continue;
    const owner = await monitoredObjects(em, monitor.model, path, [objectId]);
    if (owner.size === 0) continue;
    const rows = await em.getConnection().execute<{ bucket: Date; value: number }[]>(
      `select b as bucket, sum(v) as value from (
         select date_trunc(?, created_at at time zone 'UTC') at time zone 'UTC' as b, object_id, ${monitor.kind === 'disk' ? 'avg' : 'sum'}(value) as v
         from monitor_data where monitor = ? and object_id = any(?::bigint[]) and created_at >= ? and created_at <= ?
         group by 1, 2) per_object group by b order by b`,
      [bucket, monitor.name, bigintArray([...owner.keys()]), from, to],
    );
    for (const row of rows) {
      const at = new Date(row.bucket).getTime();
      totals.set(at, (totals.get(at) ?? 0) + Number(row.value));
    }
  }
  return [...totals.entries()].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at: new Date(at), value: value / divisor }));
}

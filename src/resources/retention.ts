import type { EntityManager } from '@mikro-orm/postgresql';
import { listMonitors } from './monitors/registry.js';
import { bigintArray } from './sql-arrays.js';

/** Samples older than this are deleted (ORCHESTRA_MONITOR_RETENTION_DAYS, default 400: a year of history and more). */
export function retentionDays(): number {
  const days = Number(process.env.ORCHESTRA_MONITOR_RETENTION_DAYS ?? 400);
  return Number.isInteger(days) && days > 0 ? days : 400;
}

/** Samples of the last day are left as they are (usage is computed from them). */
const KEEP_RAW_MS = 86_400_000;
const EQUAL_WITHIN = 0.005;

/**
 * Which samples of one series (oldest first) a disk-like compression drops: in each run of samples equal within
 * ±0.5 % of the run's first value, all but the first and the last.
 */
export function interiorOfEqualRuns(samples: readonly { id: string; value: number }[]): string[] {
  const dropped: string[] = [];
  let start = 0;
  for (let i = 1; i <= samples.length; i++) {
    const first = samples[start]!.value;
    const same = i < samples.length && Math.abs(samples[i]!.value - first) <= Math.abs(first) * EQUAL_WITHIN;
    if (same) continue;
    for (let j = start + 1; j < i - 1; j++) dropped.push(samples[j]!.id);
    start = i;
  }
  return dropped;
}

/**
 * The daily retention (the `monitor-retention` schedule): disk-like monitors keep the first and last of runs of equal
 * samples, traffic-like ones one sample per past month holding its sum (at the month's start, with the month's last
 * counter state, so a counter monitor's next reading still has its baseline), and samples older than
 * the retention setting go. Older than a day only: recent samples are what usage is computed from.
 */
export async function compressMonitorData(em: EntityManager, now = new Date()): Promise<{ deleted: number }> {
  const conn = em.getConnection();
  const before = new Date(now.getTime() - KEEP_RAW_MS);
  let deleted = 0;
  const expired = await conn.execute(`delete from monitor_data where created_at < ?`, [new Date(now.getTime() - retentionDays() * 86_400_000)], 'run');
  deleted += Number((expired as { affectedRows?: number }).affectedRows ?? 0);
  for (const monitor of listMonitors()) {
    if (monitor.kind === 'disk') {
      const rows = await conn.execute<{ id: string; object_id: string; value: number }[]>(
        `select id, object_id, value from monitor_data where monitor = ? and created_at < ? order by object_id, created_at, id`,
        [monitor.name, before],
      );
      const drop: string[] = [];
      for (let i = 0; i < rows.length; ) {
        let j = i;
        while (j < rows.length && rows[j]!.object_id === rows[i]!.object_id) j++;
        drop.push(...interiorOfEqualRuns(rows.slice(i, j).map((r) => ({ id: String(r.id), value: Number(r.value) }))));
        i = j;
      }
      for (let k = 0; k < drop.length; k += 10_000) {
        await conn.execute(`delete from monitor_data where id = any(?::bigint[])`, [bigintArray(drop.slice(k, k + 10_000))]);
      }
      deleted += drop.length;
    } else {
      // Past months only: the current month's samples are what monthly sums read, one by one.
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const result = await conn.execute<{ deleted: number }[]>(
        `with old as (
           delete from monitor_data where monitor = ? and created_at < ?
           and (monitor, object_id, date_trunc('month', created_at at time zone 'UTC')) in (
             select monitor, object_id, date_trunc('month', created_at at time zone 'UTC') from monitor_data
             where monitor = ? and created_at < ? group by 1, 2, 3 having count(*) > 1)
           returning model, object_id, created_at, value, state),
         summed as (
           insert into monitor_data (monitor, model, object_id, run_id, created_at, value, state)
           select ?, model, object_id, null, date_trunc('month', created_at at time zone 'UTC') at time zone 'UTC', sum(value),
             (array_agg(state order by created_at desc))[1]
           from old group by model, object_id, date_trunc('month', created_at at time zone 'UTC') returning 1)
         select (select count(*) from old)::int - (select count(*) from summed)::int as deleted`,
        [monitor.name, monthStart, monitor.name, monthStart, monitor.name],
      );
      deleted += Number(result[0]?.deleted ?? 0);
    }
  }
  return { deleted };
}

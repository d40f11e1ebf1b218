import type { EntityManager } from '@mikro-orm/postgresql';
import { counterDelta } from './counter.js';
import { bigintArray, floatArray } from './sql-arrays.js';

/**
 * Stores one run's samples of a monitor, all with the run's timestamp, in ONE statement whatever their number
 * (arrays unnested by PostgreSQL). A counter monitor's values are turned into usage since the previous sample of each
 * object first (one query for the previous states), with the raw counter kept as `state`.
 */
export async function storeSamples(
  em: EntityManager,
  sample: { monitor: string; model: string; runId: string | null; at: Date; counter: boolean },
  values: ReadonlyMap<string, number>,
): Promise<number> {
  if (values.size === 0) return 0;
  const ids = [...values.keys()];
  let stored = ids.map((id) => values.get(id)!);
  let states: (number | null)[] = ids.map(() => null);
  if (sample.counter) {
    const rows = await em.getConnection().execute<{ object_id: string; state: number | null }[]>(
      `select distinct on (object_id) object_id, state from monitor_data where monitor = ? and object_id = any(?::bigint[]) order by object_id, created_at desc, id desc`,
      [sample.monitor, bigintArray(ids)],
    );
    const previous = new Map(rows.map((r) => [String(r.object_id), r.state === null ? null : Number(r.state)]));
    const readings = ids.map((id) => counterDelta(previous.get(id) ?? null, values.get(id)!));
    stored = readings.map((r) => r.value);
    states = readings.map((r) => r.state);
  }
  await em.getConnection().execute(
    `insert into monitor_data (monitor, model, object_id, run_id, created_at, value, state)
     select ?, ?, o, ?, ?, v, s from unnest(?::bigint[], ?::float8[], ?::float8[]) as t(o, v, s)`,
    [sample.monitor, sample.model, sample.runId, sample.at, bigintArray(ids), floatArray(stored), floatArray(states)],
  );
  return ids.length;
}

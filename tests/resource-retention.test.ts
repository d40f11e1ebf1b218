/**
 * Monitor samples in PostgreSQL: a counter monitor's samples across a counter reset (never negative), and the daily
 * retention: disk-like runs of equal samples keep their ends, traffic-like past months become one sum, samples past
 * retention go, the last day's samples stay as they are.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MonitorData } from '../src/entities/resources/monitor-data.js';
import { registerMonitor, unregisterMonitor } from '../src/resources/monitors/registry.js';
import type { Monitor } from '../src/resources/monitors/monitor.js';
import { ShellCode } from '../src/orchestration/shell/quote.js';
import { compressMonitorData } from '../src/resources/retention.js';
import { storeSamples } from '../src/resources/store-samples.js';
import { createTestDatabase } from './support/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const em = (): EntityManager => db.orm.em.fork() as EntityManager;

const traffic: Monitor = {
  name: 'test-traffic', description: 'a counter for tests', model: 'SystemUser', backend: 'system-users', kind: 'traffic', counter: true, timeoutMs: 1000,
  targets: async () => [],
  body: () => ShellCode.empty,
};

beforeAll(async () => {
  db = await createTestDatabase();
  registerMonitor(traffic);
});
afterAll(async () => {
  unregisterMonitor(traffic.name);
  await db?.drop();
});

const NOW = new Date('2026-11-20T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

async function values(monitor: string, objectId: string) {
  const rows = await em().find(MonitorData, { monitor, objectId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return rows.map((r) => [r.createdAt.toISOString(), r.value]);
}

test('a counter monitor stores usage since its previous reading, never negative across a reset', async () => {
  for (const [i, reading] of [100, 250, 30, 80].entries()) {
    await storeSamples(em(), { monitor: traffic.name, model: 'SystemUser', runId: null, at: daysAgo(30 - i), counter: true }, new Map([['7', reading]]));
  }
  expect((await values(traffic.name, '7')).map(([, v]) => v)).toEqual([0, 150, 30, 50]);
  const states = (await em().find(MonitorData, { monitor: traffic.name, objectId: '7' }, { orderBy: { createdAt: 'asc' } })).map((r) => r.state);
  expect(states).toEqual([100, 250, 30, 80]);
});

test('retention compresses disk-like runs, sums traffic-like past months, deletes what is past retention', async () => {
  const store = (monitor: string, at: Date, value: number, counter = false) =>
    em().insert(MonitorData, { monitor, model: 'SystemUser', objectId: '8', createdAt: at, value, state: counter ? value : null });
  const disk = 'system-user-disk';
  for (const [d, v] of [[500, 1], [10, 1000], [9, 1002], [8, 999], [7, 2000], [6, 2001], [5, 3000]] as const) await store(disk, daysAgo(d), v);
  // The last day: kept as is even if equal.
  for (const h of [3, 2, 1]) await store(disk, new Date(NOW.getTime() - h * 3_600_000), 3000);
  // Traffic: October's three samples become one sum at October's start; November's stay.
  await store(traffic.name, new Date('2026-10-03T00:00:00Z'), 10);
  await store(traffic.name, new Date('2026-10-13T00:00:00Z'), 20);
  await store(traffic.name, new Date('2026-10-23T00:00:00Z'), 30);
  await store(traffic.name, new Date('2026-11-02T00:00:00Z'), 5);
  await store(traffic.name, new Date('2026-11-12T00:00:00Z'), 6);

  const { deleted } = await compressMonitorData(em(), NOW);
  expect(await values(disk, '8')).toEqual([
    [daysAgo(10).toISOString(), 1000], [daysAgo(8).toISOString(), 999], [daysAgo(7).toISOString(), 2000], [daysAgo(6).toISOString(), 2001],
    [daysAgo(5).toISOString(), 3000],
    ...[3, 2, 1].map((h) => [new Date(NOW.getTime() - h * 3_600_000).toISOString(), 3000]),
  ]);
  expect(await values(traffic.name, '8')).toEqual([
    ['2026-10-01T00:00:00.000Z', 60], ['2026-11-02T00:00:00.000Z', 5], ['2026-11-12T00:00:00.000Z', 6],
  ]);
  // 500 days old (1), the interior 1002 (1), object 8's October three replaced by one (2), object 7's four (3).
  expect(deleted).toBe(7);
  // A summed month keeps its last counter state: the next reading of object 7 still counts from 80.
  expect((await em().findOneOrFail(MonitorData, { monitor: traffic.name, objectId: '7' })).state).toBe(80);
  await storeSamples(em(), { monitor: traffic.name, model: 'SystemUser', runId: null, at: NOW, counter: true }, new Map([['7', 95]]));
  expect((await values(traffic.name, '7')).at(-1)![1]).toBe(15);
  // Again: nothing more to do.
  expect((await compressMonitorData(em(), NOW)).deleted).toBe(0);
});

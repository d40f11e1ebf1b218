/**
 * The schedule registry: a worker start reconciles the namespace with the declared schedules of its installation
 * (task queue): creates the missing, recreates the changed, deletes the ones no longer declared, leaves others' alone.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Client, Connection, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { SCHEDULES, reconcileSchedules, relayScheduleId } from '../src/temporal/schedules/index.js';
import { scheduleId, type ScheduleDeclaration } from '../src/temporal/schedules/schedule-declaration.js';

let connection: Connection;
let client: Client;
const taskQueue = `test-schedules-${randomUUID().slice(0, 8)}`;
const other = `test-schedules-other-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection, namespace: 'default' });
});

afterAll(async () => {
  for await (const s of client.schedule.list()) {
    if (s.scheduleId.startsWith('test-schedules-')) await client.schedule.getHandle(s.scheduleId).delete().catch(() => undefined);
  }
  await connection?.close();
});

const declaration = (name: string, every: string): ScheduleDeclaration => ({
  name,
  spec: { intervals: [{ every }] },
  workflowType: 'someWorkflow',
  overlap: ScheduleOverlapPolicy.SKIP,
  catchupWindow: '1 minute',
});

async function scheduleExists(id: string): Promise<boolean> {
  return client.schedule.getHandle(id).describe().then(() => true, (err: unknown) => {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  });
}

async function intervalOf(id: string): Promise<unknown> {
  const description = await client.schedule.getHandle(id).describe();
  return description.spec.intervals?.[0]?.every;
}

test('reconciling creates the declared schedules, recreates a changed one, deletes one no longer declared, and is idempotent', async () => {
  const nightly = declaration('nightly', '1 day');
  const hourly = declaration('hourly', '1 hour');
  // Another installation's schedule of the same name must be left alone.
  await reconcileSchedules(client, other, [nightly]);

  expect(await reconcileSchedules(client, taskQueue, [nightly, hourly])).toEqual([
    `created schedule ${scheduleId(taskQueue, nightly)}`,
    `created schedule ${scheduleId(taskQueue, hourly)}`,
  ]);
  expect(await intervalOf(scheduleId(taskQueue, hourly))).toBe(3_600_000);
  expect(await reconcileSchedules(client, taskQueue, [nightly, hourly])).toEqual([]);

  const everyTwoHours = declaration('hourly', '2 hours');
  expect(await reconcileSchedules(client, taskQueue, [everyTwoHours])).toContain(`recreated schedule ${scheduleId(taskQueue, everyTwoHours)} (its declaration changed)`);
  // Deleting what is no longer declared relies on listing, which may lag behind a creation a moment ago.
  for (let i = 0; i < 100 && (await scheduleExists(scheduleId(taskQueue, nightly))); i++) {
    await reconcileSchedules(client, taskQueue, [everyTwoHours]);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(await intervalOf(scheduleId(taskQueue, everyTwoHours))).toBe(7_200_000);
  await expect(client.schedule.getHandle(scheduleId(taskQueue, nightly)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  expect(await intervalOf(scheduleId(other, nightly))).toBe(86_400_000);
});

test('the declared list has the outbox relay, started on the installation\'s task queue', async () => {
  const queue = `test-schedules-relay-${randomUUID().slice(0, 8)}`;
  await reconcileSchedules(client, queue, SCHEDULES);
  const description = await client.schedule.getHandle(relayScheduleId(queue)).describe();
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'outboxRelayWorkflow', taskQueue: queue });
  expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
});

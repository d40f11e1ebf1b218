/**
 * The two orders schedules in a real Temporal dev server, run by a real worker: declared and reconciled like the
 * relay, triggered by their `runNow` mutations; a run does its work in pages and reports its counts, and a second run
 * changes nothing.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { Miscellaneous } from '../src/entities/billing/miscellaneous.js';
import { Order } from '../src/entities/billing/order.js';
import { OrderMetric } from '../src/entities/billing/order-metric.js';
import { addDays, dayOf } from '../src/billing/orders/calendar.js';
import { SCHEDULES, ordersCleanupMetricsSchedule, ordersUpdateSchedule, reconcileSchedules } from '../src/temporal/schedules/index.js';
import { scheduleId, type ScheduleDeclaration } from '../src/temporal/schedules/schedule-declaration.js';
import { idOf } from '../src/schema/relay/global-id.js';
import {
  CreateBillingServiceDocument, CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, RunOrdersCleanupMetricsDocument, RunOrdersUpdateDocument,
} from './generated/graphql.js';
import { accountWithUser } from './support/fixtures.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';

let h: OrchestraHarness;
let accountId: string;

beforeAll(async () => {
  h = await startOrchestraHarness([]);
  await h.startWorker();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, SCHEDULES);
  accountId = (await accountWithUser(h.admin, 'schedco')).account.id;
});
afterAll(async () => {
  for (const declaration of SCHEDULES) await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration)).delete().catch(() => undefined);
  await h?.close();
});

/** Triggers a schedule through its mutation and returns the result of the run it started (polled, generous deadline). */
async function runNow<T>(declaration: ScheduleDeclaration, mutate: () => Promise<{ scheduleId: string }>): Promise<T> {
  const handle = h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration));
  const before = (await handle.describe()).info.recentActions.length;
  expect((await mutate()).scheduleId).toBe(handle.scheduleId);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const actions = (await handle.describe()).info.recentActions;
    if (actions.length > before) {
      const { workflowId, firstExecutionRunId } = actions.at(-1)!.action.workflow;
      return (await h.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result()) as T;
    }
    if (Date.now() > deadline) throw new Error(`${declaration.name} did not start`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('both schedules are declared daily, never overlapping, and reconciled on the installation\'s task queue', async () => {
  for (const [declaration, workflowType] of [[ordersUpdateSchedule, 'ordersUpdateWorkflow'], [ordersCleanupMetricsSchedule, 'ordersCleanupMetricsWorkflow']] as const) {
    const description = await h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration)).describe();
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType, taskQueue: h.config.temporalTaskQueue });
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(description.spec.calendars?.length).toBe(1);
  }
});

test('orders-update: a periodic service gets orders for existing objects and metrics, gone objects are cancelled; a second run changes nothing', async () => {
  const kind = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'traffic', hasAmount: true } })).createMiscellaneousKind.kind!;
  const items = [];
  for (const amount of [5, 7, 9]) items.push((await h.admin.data(CreateMiscellaneousDocument, { input: { accountId, kindId: kind.id, amount } })).createMiscellaneous.miscellaneous!);
  const created = await h.admin.data(CreateBillingServiceDocument, {
    input: { description: 'traffic', model: 'Miscellaneous', nominalPrice: '0.5', metric: 'miscellaneous.amount', periodicUpdate: true },
  });
  expect(created.createService.userErrors).toEqual([]);
  const serviceId = idOf('Service', created.createService.service!.id);
  expect(await h.orm.em.fork().count(Order, { service: serviceId })).toBe(0);
  // A row removed behind the ORM's back (as a database cascade would): its order must still be cancelled.
  const gone = idOf('Miscellaneous', items[2]!.id);

  const first = await runNow<Record<string, number>>(ordersUpdateSchedule, async () => (await h.admin.data(RunOrdersUpdateDocument, {})).runOrdersUpdate.trigger!);
  expect(first).toMatchObject({ services: 1, objects: 3, created: 3, updated: 0, cancelled: 0 });
  await h.orm.em.fork().nativeDelete(Miscellaneous, { id: gone });
  const second = await runNow<Record<string, number>>(ordersUpdateSchedule, async () => (await h.admin.data(RunOrdersUpdateDocument, {})).runOrdersUpdate.trigger!);
  expect(second).toMatchObject({ objects: 2, created: 0, updated: 0, cancelled: 1, unchanged: 2 });

  const snapshot = async () => {
    const em = h.orm.em.fork();
    const strip = (rows: object[]) => rows.map((r) => JSON.stringify(r));
    return { orders: strip(await em.find(Order, {}, { orderBy: { id: 'asc' } })), metrics: strip(await em.find(OrderMetric, {}, { orderBy: { id: 'asc' } })) };
  };
  const settled = await snapshot();
  expect(settled.metrics).toHaveLength(3);
  const third = await runNow<Record<string, number>>(ordersUpdateSchedule, async () => (await h.admin.data(RunOrdersUpdateDocument, {})).runOrdersUpdate.trigger!);
  expect(third).toMatchObject({ created: 0, updated: 0, cancelled: 0, unchanged: 2 });
  expect(await snapshot()).toEqual(settled);
  const orders = await h.orm.em.fork().find(Order, { service: serviceId }, { orderBy: { objectId: 'asc' } });
  expect(orders.map((o) => [o.metric, o.cancelledOn === null])).toEqual([['5.000', true], ['7.000', true], ['9.000', false]]);
});

test('orders-cleanup-metrics: drops history older than 40 days before billing, keeps the value in effect; a second run deletes nothing', async () => {
  const em = h.orm.em.fork();
  const order = await em.findOneOrFail(Order, { model: 'Miscellaneous', cancelledOn: null }, { orderBy: { id: 'asc' } });
  const today = dayOf(new Date());
  await em.nativeDelete(OrderMetric, { order });
  for (const [days, value] of [[-100, '1'], [-80, '2'], [-50, '3'], [-30, '4']] as const) {
    await em.insert(OrderMetric, { order: order.id, value, createdOn: addDays(today, days), createdAt: new Date(), updatedAt: new Date() });
  }
  await em.nativeUpdate(Order, { id: order.id }, { billedOn: today, billedUntil: addDays(today, 30) });
  const first = await runNow<{ deleted: number }>(ordersCleanupMetricsSchedule, async () => (await h.admin.data(RunOrdersCleanupMetricsDocument, {})).runOrdersCleanupMetrics.trigger!);
  expect(first.deleted).toBe(2);
  const left = await h.orm.em.fork().find(OrderMetric, { order: order.id }, { orderBy: { createdOn: 'asc' } });
  expect(left.map((m) => [m.createdOn, m.value])).toEqual([[addDays(today, -50), '3.000'], [addDays(today, -30), '4.000']]);
  const second = await runNow<{ deleted: number }>(ordersCleanupMetricsSchedule, async () => (await h.admin.data(RunOrdersCleanupMetricsDocument, {})).runOrdersCleanupMetrics.trigger!);
  expect(second.deleted).toBe(0);
});

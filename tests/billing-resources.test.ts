/**
 * Resources in billing expressions, over real resource rows: a service's match, metric and description read an
 * object's `resources.<name>.used` and `.allocated`; an allocation set through the API updates the order in the same
 * commit; a used value written by monitoring (SQL, behind the ORM) reaches the order through the orders-update
 * schedule's `runNow` in a real Temporal dev server; a resource the model does not have is a userError on the field;
 * a run over many objects reads resources once per page, whatever its size.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Order } from '../src/entities/billing/order.js';
import { Service } from '../src/entities/billing/service.js';
import { updateServiceOrders } from '../src/billing/orders/update-service-orders.js';
import { SCHEDULES, ordersUpdateSchedule, reconcileSchedules } from '../src/temporal/schedules/index.js';
import { scheduleId } from '../src/temporal/schedules/schedule-declaration.js';
import { idOf } from '../src/schema/relay/global-id.js';
import {
  CreateBillingServiceDocument, CreateResourceDocument, CreateSystemUserDocument, RunOrdersUpdateDocument, SetResourceAllocationDocument, type CreateServiceInput,
} from './generated/graphql.js';
import { accountWithUser } from './support/fixtures.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';

let h: OrchestraHarness;
let accountId: string;
let diskId: string;
let n = 0;

beforeAll(async () => {
  h = await startOrchestraHarness([]);
  await h.startWorker();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, SCHEDULES);
  accountId = (await accountWithUser(h.admin, 'resbill')).account.id;
  const disk = await h.admin.data(CreateResourceDocument, { input: { name: 'disk', model: 'SystemUser', aggregation: 'LAST', unit: 'GB', defaultAllocation: 10 } });
  expect(disk.createResource.userErrors).toEqual([]);
  diskId = disk.createResource.resource!.id;
  // A name with "-", written with "_" in expressions; on demand: no allocation.
  const traffic = await h.admin.data(CreateResourceDocument, { input: { name: 'web-traffic', model: 'SystemUser', aggregation: 'MONTHLY_SUM', unit: 'GB', onDemand: true } });
  expect(traffic.createResource.userErrors).toEqual([]);
});
afterAll(async () => {
  for (const declaration of SCHEDULES) await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration)).delete().catch(() => undefined);
  await h?.close();
});

async function service(input: Partial<CreateServiceInput> & { model: string }) {
  const result = await h.admin.data(CreateBillingServiceDocument, { input: { description: `resource service ${++n}`, nominalPrice: '1', ...input } });
  expect(result.createService.userErrors).toEqual([]);
  return result.createService.service!;
}

async function systemUser(username: string) {
  const result = await h.admin.data(CreateSystemUserDocument, { input: { accountId, username, shell: 'NOLOGIN' } });
  expect(result.createSystemUser.userErrors).toEqual([]);
  return result.createSystemUser.systemUser!;
}

/** Writes a used value as monitoring does (computeUsage: one SQL upsert, no ORM change, so no collector). */
async function measured(resource: string, systemUserId: string, used: number) {
  await h.orm.em.fork().execute(
    `insert into resource_data (created_at, updated_at, resource_id, model, object_id, account_id, used, measured_at, limit_exceeded)
     select now(), now(), r.id, 'SystemUser', u.id, u.account_id, ?, now(), false from resource r, "system_user" u where r.name = ? and r.model = 'SystemUser' and u.id = ?
     on conflict (resource_id, object_id) do update set used = excluded.used, measured_at = excluded.measured_at`,
    [used, resource, idOf('SystemUser', systemUserId)],
  );
}

/** Triggers orders-update through its mutation and waits (generous deadline) for the run it started. */
async function runOrdersUpdateNow(): Promise<Record<string, number>> {
  const handle = h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, ordersUpdateSchedule));
  const before = (await handle.describe()).info.recentActions.length;
  expect((await h.admin.data(RunOrdersUpdateDocument, {})).runOrdersUpdate.trigger!.scheduleId).toBe(handle.scheduleId);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const actions = (await handle.describe()).info.recentActions;
    if (actions.length > before) {
      const { workflowId, firstExecutionRunId } = actions.at(-1)!.action.workflow;
      return (await h.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result()) as Record<string, number>;
    }
    if (Date.now() > deadline) throw new Error('orders-update did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

const orderOf = async (serviceId: string, objectId: string) =>
  h.orm.em.fork().findOneOrFail(Order, { service: idOf('Service', serviceId), objectId: idOf('SystemUser', objectId), cancelledOn: null });

test('a metric reads allocated and used resources: an allocation updates the order in its commit, a measured usage through orders-update', async () => {
  const billed = await service({
    model: 'SystemUser',
    match: 'systemuser.username == "resone" and resources.disk.allocated > 0',
    metric: 'max(resources.disk.allocated - 2, 0) + resources.web_traffic.used',
    orderDescription: 'Disk {resources.disk.allocated} GB of {systemuser.username}',
    periodicUpdate: true,
  });
  const user = await systemUser('resone');
  // Never measured, default allocation: used 0, allocated 10.
  expect(await orderOf(billed.id, user.id)).toMatchObject({ metric: '8.000', description: 'Disk 10 GB of resone' });

  const set = await h.admin.data(SetResourceAllocationDocument, { input: { resourceId: diskId, objectId: user.id, allocated: 25 } });
  expect(set.setResourceAllocation.userErrors).toEqual([]);
  expect(await orderOf(billed.id, user.id)).toMatchObject({ metric: '23.000', description: 'Disk 25 GB of resone' });

  await measured('web-traffic', user.id, 4.5);
  expect((await orderOf(billed.id, user.id)).metric).toBe('23.000'); // behind the ORM: no collector saw it
  const run = await runOrdersUpdateNow();
  expect(run).toMatchObject({ updated: 1, metricFailures: 0 });
  expect((await orderOf(billed.id, user.id)).metric).toBe('27.500');
  await measured('web-traffic', user.id, 1);
  expect(await runOrdersUpdateNow()).toMatchObject({ updated: 1 });
  expect((await orderOf(billed.id, user.id)).metric).toBe('24.000');
  expect(await runOrdersUpdateNow()).toMatchObject({ updated: 0 });

  // An allocation of 0 breaks the match: the order is cancelled in that commit.
  await h.admin.data(SetResourceAllocationDocument, { input: { resourceId: diskId, objectId: user.id, allocated: 0 } });
  expect(await h.orm.em.fork().count(Order, { service: idOf('Service', billed.id), cancelledOn: null })).toBe(0);
});

test('a resource the model does not have is a userError on the field that names it; nothing is saved', async () => {
  const cases: [Partial<CreateServiceInput>, string, string][] = [
    [{ metric: 'resources.mail.used' }, 'input.metric', 'resources.mail.used'],
    [{ match: 'resources.disk.quota > 1' }, 'input.match', 'resources.disk.quota'],
    [{ orderDescription: 'Disk {resources.nope.used}' }, 'input.orderDescription', 'resources.nope.used'],
    [{ metric: 'resources.web_traffic.allocated', model: 'Account' }, 'input.metric', 'resources.web_traffic.allocated'],
  ];
  for (const [input, field, name] of cases) {
    const refused = await h.admin.data(CreateBillingServiceDocument, { input: { description: `refused ${++n}`, model: 'SystemUser', nominalPrice: '1', ...input } });
    expect(refused.createService.userErrors).toEqual([expect.objectContaining({ field, message: expect.stringContaining(`unknown field "${name}"`) })]);
    expect(await h.orm.em.fork().count(Service, { description: `refused ${n}` })).toBe(0);
  }
});

test('orders-update reads resources once per page: the same statements for one page of 4 objects or of 24, each object its own values', async () => {
  const users = [];
  for (let i = 0; i < 24; i++) users.push(await systemUser(`respage${i}`));
  for (const [i, user] of users.entries()) await measured('disk', user.id, i);
  const billed = await service({ model: 'SystemUser', match: 'systemuser.username != "resone"', metric: 'resources.disk.used * 2', periodicUpdate: true });
  const row = await h.orm.em.fork().findOneOrFail(Service, { id: idOf('Service', billed.id) });
  const statementsOfRun = async (pageSize: number) => {
    const before = h.sqlCount();
    const counts = await updateServiceOrders(h.orm.em.fork(), [row], { pageSize });
    return { statements: h.sqlCount() - before, counts };
  };
  const settle = await statementsOfRun(4);
  expect(settle.counts).toMatchObject({ created: 25, metricFailures: 0 }); // 24 users and the account's main user
  for (const [i, user] of users.entries()) expect((await orderOf(billed.id, user.id)).metric).toBe((i * 2).toFixed(3));

  // 26 system users in pages of 4 (7 pages) or of 28 (1 page): statements follow the pages, not the objects.
  const small = await statementsOfRun(4);
  const large = await statementsOfRun(28);
  expect([small.counts.pages, large.counts.pages]).toEqual([7, 1]);
  expect(small.counts).toMatchObject({ unchanged: 25, updated: 0 });
  expect(large.statements).toBeLessThan(12);
  expect(small.statements - large.statements).toBeLessThanOrEqual(6 * 8);
});

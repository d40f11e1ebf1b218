/**
 * The billing.invoice schedule (issue 13) on a real Temporal dev server and worker: declared monthly and never
 * overlapping; triggered by runBillingInvoice, its run bills every pending order up to its billing point and reports
 * its counts; a second run bills nothing twice.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { Order } from '../src/entities/billing/order.js';
import { dayOf } from '../src/billing/orders/calendar.js';
import { SCHEDULES, reconcileSchedules } from '../src/temporal/schedules/index.js';
import { billingInvoiceSchedule } from '../src/temporal/schedules/billing-invoice.schedule.js';
import { scheduleId } from '../src/temporal/schedules/schedule-declaration.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { BillsDocument, CreateBillingServiceDocument, CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, RunBillingInvoiceDocument } from './generated/graphql.js';
import { accountWithUser } from './support/fixtures.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';

let h: OrchestraHarness;

beforeAll(async () => {
  h = await startOrchestraHarness([]);
  await h.startWorker();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, SCHEDULES);
});
afterAll(async () => {
  for (const declaration of SCHEDULES) await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration)).delete().catch(() => undefined);
  await h?.close();
});

async function runNow(): Promise<Record<string, number>> {
  const handle = h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, billingInvoiceSchedule));
  const before = (await handle.describe()).info.recentActions.length;
  const triggered = await h.admin.data(RunBillingInvoiceDocument, {});
  expect(triggered.runBillingInvoice.trigger!.scheduleId).toBe(handle.scheduleId);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const actions = (await handle.describe()).info.recentActions;
    if (actions.length > before) {
      const { workflowId, firstExecutionRunId } = actions.at(-1)!.action.workflow;
      return (await h.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result()) as Record<string, number>;
    }
    if (Date.now() > deadline) throw new Error('billing.invoice did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('billing.invoice is declared monthly, never overlapping, on the installation\'s task queue', async () => {
  const description = await h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, billingInvoiceSchedule)).describe();
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'billingInvoiceWorkflow', taskQueue: h.config.temporalTaskQueue });
  expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(description.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }] });
});

test('a run bills every pending order up to its billing point; a second run bills nothing', async () => {
  const kind = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'domain-fee', hasAmount: true } })).createMiscellaneousKind.kind!;
  const created = await h.admin.data(CreateBillingServiceDocument, { input: { description: 'Domain', model: 'Miscellaneous', match: 'miscellaneous.kind.name == "domain-fee"', nominalPrice: '12', ignoredAccountTypes: [] } });
  expect(created.createService.userErrors).toEqual([]);
  const accounts = [];
  for (const name of ['invone', 'invtwo']) {
    const { account } = await accountWithUser(h.admin, name);
    accounts.push(account.id);
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: account.id, kindId: kind.id, amount: 1, description: `${name}.example` } });
  }
  const first = await runNow();
  expect(first).toMatchObject({ accounts: 2, bills: 2, lines: 2, skippedServices: 0 });
  const nextJanuary = `${Number(dayOf(new Date()).slice(0, 4)) + 1}-01-01`;
  const orders = await h.orm.em.fork().find(Order, { service: idOf('Service', created.createService.service!.id) });
  expect(orders.map((o) => o.billedUntil)).toEqual([nextJanuary, nextJanuary]);
  for (const accountId of accounts) expect((await h.admin.data(BillsDocument, { filter: { accountId }, first: 10 })).bills.nodes.map((b) => [b.type, b.lines.length])).toEqual([['INVOICE', 1]]);
  const second = await runNow();
  expect(second).toMatchObject({ lines: 0 });
});

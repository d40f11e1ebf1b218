/**
 * The payments.process schedule (issue 13) on a real Temporal dev server and worker: declared daily and never
 * overlapping; triggered by runPaymentsProcess, its run puts the waiting SEPA debits into one pain.008.001.02 file
 * and the refunds into one pain.001.001.03 file (each valid for the real xmllint), marks their transactions waiting
 * execution in them, and leaves bank transfers alone; a second run makes nothing.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { addMonths, dayOf } from '../src/billing/orders/calendar.js';
import { setSepaSettings } from '../src/config/sepa-settings.js';
import { SCHEDULES, reconcileSchedules } from '../src/temporal/schedules/index.js';
import { paymentsProcessSchedule } from '../src/temporal/schedules/payments-process.schedule.js';
import { scheduleId } from '../src/temporal/schedules/schedule-declaration.js';
import { PaymentTransactionsDocument, RunPaymentsProcessDocument, TransactionProcessesDocument, TransactionProcessFileDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { TEST_CREDITOR, closedInvoice, closedRefund, hostingService, payer, xmllintValidates } from './support/payments-fixtures.js';

let h: OrchestraHarness;

beforeAll(async () => {
  setSepaSettings(TEST_CREDITOR); // the worker runs in this process: its activity reads these
  h = await startOrchestraHarness([]);
  await h.startWorker();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, SCHEDULES);
});
afterAll(async () => {
  for (const declaration of SCHEDULES) await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration)).delete().catch(() => undefined);
  await h?.close();
  setSepaSettings(undefined);
});

async function runNow(): Promise<Record<string, number>> {
  const handle = h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, paymentsProcessSchedule));
  const before = (await handle.describe()).info.recentActions.length;
  const triggered = await h.admin.data(RunPaymentsProcessDocument, {});
  expect(triggered.runPaymentsProcess.trigger!.scheduleId).toBe(handle.scheduleId);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const actions = (await handle.describe()).info.recentActions;
    if (actions.length > before) {
      const { workflowId, firstExecutionRunId } = actions.at(-1)!.action.workflow;
      return (await h.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result()) as Record<string, number>;
    }
    if (Date.now() > deadline) throw new Error('payments.process did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('payments.process is declared daily, never overlapping, on the installation\'s task queue', async () => {
  const description = await h.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, paymentsProcessSchedule)).describe();
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'paymentsProcessWorkflow', taskQueue: h.config.temporalTaskQueue });
  expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }] });
});

test('a run makes one valid file per kind and marks its transactions; a second run makes nothing', async () => {
  const kindId = await hostingService(h, 'schedhosting');
  const nextYear = addMonths(dayOf(new Date()), 12);
  const debtors = [await payer(h, 'scheddebtor', { holder: 'Sched & Debtor' }), await payer(h, 'scheddebtor2', { holder: 'Zoë Ångström' })];
  const refunded = await payer(h, 'schedrefund', { holder: 'Refund Co' });
  const manual = await payer(h, 'schedmanual', 'BANK_TRANSFER');
  const debitBills = [await closedInvoice(h, debtors[0]!, kindId, nextYear), await closedInvoice(h, debtors[1]!, kindId, nextYear)];
  const refundBill = await closedRefund(h, refunded, '3.00', dayOf(new Date()));
  const manualBill = await closedInvoice(h, manual, kindId, nextYear);

  expect(await runNow()).toEqual({ processes: 2, transactions: 3, skipped: 0 });
  const processes = (await h.admin.data(TransactionProcessesDocument, { first: 10 })).transactionProcesses.nodes;
  expect(processes.map((p) => [p.kind, p.state, p.transactions.length])).toEqual([['DIRECT_DEBIT', 'CREATED', 2], ['CREDIT_TRANSFER', 'CREATED', 1]]);
  for (const [process, schema] of [[processes[0]!, 'pain.008.001.02'], [processes[1]!, 'pain.001.001.03']] as const) {
    const file = (await h.admin.data(TransactionProcessFileDocument, { id: process.id })).transactionProcess.file;
    expect(await xmllintValidates(file.content, schema)).toBe('- validates');
  }
  const stateOf = async (billId: string) => (await h.admin.data(PaymentTransactionsDocument, { filter: { billId } })).transactions.nodes.map((t) => t.state);
  for (const billId of [...debitBills, refundBill]) expect(await stateOf(billId)).toEqual(['WAITING_EXECUTION']);
  expect(await stateOf(manualBill)).toEqual(['WAITING_EXECUTION']);
  const inDebitFile = (await h.admin.data(PaymentTransactionsDocument, { filter: { processId: processes[0]!.id } })).transactions.nodes.map((t) => t.bill.id);
  expect(inDebitFile).toEqual(debitBills);

  expect(await runNow()).toEqual({ processes: 0, transactions: 0, skipped: 0 });
  expect((await h.admin.data(TransactionProcessesDocument, { first: 10 })).transactionProcesses.totalCount).toBe(2);
});

import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { BillEmail, BillEmailState } from '../../entities/bills/bill-email.js';
import { BILL_EMAIL_WORKFLOW } from '../../workflows/contracts/bill-email.js';
import { billEmailWorkflowId } from '../../workflows/contracts/workflow-ids.js';

/**
 * Starts the workflow of each committed bill e-mail, then marks it started. Idempotent: a workflow already running
 * is not started again, and one that already ended finds its row no longer queued and sends nothing.
 */
export async function startBillEmails(em: EntityManager, temporal: Client, taskQueue: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    try {
      await temporal.workflow.start(BILL_EMAIL_WORKFLOW, { workflowId: billEmailWorkflowId(taskQueue, id), taskQueue, args: [id] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await em.fork().nativeUpdate(BillEmail, { id, startedAt: null }, { startedAt: new Date() });
  }
}

/**
 * The relay: starts the queued e-mails whose workflow was never started (Temporal down at commit, or the process
 * died between commit and start). Those younger than `minAgeMs` are left to the request that committed them.
 */
export async function relayBillEmails(em: EntityManager, temporal: Client, taskQueue: string, minAgeMs = 5_000, limit = 500): Promise<number> {
  const rows = await em.fork().find(
    BillEmail,
    { state: BillEmailState.QUEUED, startedAt: null, createdAt: { $lt: new Date(Date.now() - minAgeMs) } },
    { orderBy: { id: 'asc' }, limit, filters: false, fields: ['id'] },
  );
  await startBillEmails(em, temporal, taskQueue, rows.map((r) => r.id));
  return rows.length;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { Contact } from '../entities/accounts/contact.js';
import { EmailUsage } from '../entities/accounts/email-usage.js';
import type { Resource } from '../entities/resources/resource.js';
import { SEND_MAIL_WORKFLOW, type MailMessage } from '../workflows/contracts/mail.js';
import { entityClassOf } from './resource-paths.js';
import type { LimitTransition } from './usage.js';

/** Contacts told about their account's limits: those whose address is for administrative or technical matters. */
const NOTIFIED_USAGES = [EmailUsage.ADMIN, EmailUsage.TECH];

/** What an object is called in a notice: its username or name. */
async function labels(em: EntityManager, model: string, ids: string[]): Promise<Map<string, string>> {
  const rows = (await em.find(entityClassOf<object>(em, model), { id: { $in: ids } } as object, { filters: false })) as unknown as Record<string, unknown>[];
  return new Map(rows.map((r) => [String(r.id), String(r.username ?? r.name ?? `${model} ${r.id}`)]));
}

export function noticeOf(resource: Resource, label: string, t: LimitTransition): Pick<MailMessage, 'subject' | 'text'> {
  const amount = (v: number | null) => (v === null ? 'none' : `${Math.round(v * 100) / 100} ${resource.unit}`.trim());
  const what = `${resource.name} of ${resource.model === 'Account' ? 'the account' : label}`;
  return t.exceeded
    ? {
        subject: `Over the allocation: ${what}`,
        text: `${what} uses ${amount(t.used)}, over its allocation of ${amount(t.allocated)}.\n${actionText(resource.model, true)}\n`,
      }
    : {
        subject: `Back within the allocation: ${what}`,
        text: `${what} uses ${amount(t.used)}, within its allocation of ${amount(t.allocated)} again.\n${actionText(resource.model, false)}\n`,
      };
}

function actionText(model: string, exceeded: boolean): string {
  if (model === 'SystemUser') return exceeded ? 'Its login shell is disabled until its usage is back within the allocation.' : 'Its login shell is enabled again.';
  if (model === 'Database') return exceeded ? 'Its users may not INSERT, UPDATE or CREATE until its size is back within the allocation.' : 'Its users may write again.';
  return '';
}

/**
 * Queues one e-mail per transition to the account's contacts (a Temporal workflow per message, retried until the
 * SMTP relay takes it). Started BEFORE the transitions commit, with an id made of the monitoring run's workflow id and
 * the object: a retried activity finds the same transitions again and starts nothing twice.
 */
export async function queueLimitNotices(em: EntityManager, temporal: Client, taskQueue: string, runWorkflowId: string, resource: Resource, transitions: readonly LimitTransition[]): Promise<number> {
  if (transitions.length === 0) return 0;
  const contacts = await em.find(Contact, { account: { $in: [...new Set(transitions.map((t) => t.accountId))] } }, { filters: false, orderBy: { id: 'asc' } });
  const names = await labels(em, resource.model, transitions.map((t) => t.objectId));
  let queued = 0;
  for (const t of transitions) {
    const to = [...new Set(contacts.filter((c) => c.account.id === t.accountId && c.emailUsages.some((u) => NOTIFIED_USAGES.includes(u))).map((c) => c.email))];
    if (to.length === 0) continue;
    const message: MailMessage = { to, ...noticeOf(resource, names.get(t.objectId) ?? t.objectId, t) };
    try {
      await temporal.workflow.start(SEND_MAIL_WORKFLOW, { workflowId: `${runWorkflowId}-notice-${t.objectId}`, taskQueue, args: [message] });
      queued++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return queued;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { BillEmail } from '../../entities/bills/bill-email.js';
import type { Bill } from '../../entities/bills/bill.js';

/** The addresses a bill is sent to: its account's contacts whose e-mail is for billing, each once. */
export async function billingRecipients(em: EntityManager, accountId: string): Promise<string[]> {
  const rows: { email: string }[] = await em.execute(
    `select distinct email from contact where account_id = ? and 'BILLING' = any(email_usages) order by 1`,
    [accountId],
  );
  return rows.map((r) => r.email);
}

/**
 * Queues one e-mail of a closed bill, in the caller's transaction (the outbox: it commits with the close, or not at
 * all). The caller starts its workflow after commit (startBillEmails); the relay starts any it could not. Null when
 * the account has no billing e-mail address (nothing to send to).
 */
export async function queueBillEmail(em: EntityManager, bill: Bill, requestedBy: string): Promise<BillEmail | null> {
  const recipients = await billingRecipients(em, bill.account.id);
  if (recipients.length === 0) return null;
  const email = em.create(BillEmail, { bill, recipients, requestedBy });
  await em.flush();
  return email;
}

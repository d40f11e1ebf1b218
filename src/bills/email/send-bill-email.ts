import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { formatMoney } from '../../billing/money.js';
import type { OutgoingMailSettings } from '../../config/outgoing-mail-settings.js';
import type { BillType } from '../../entities/bills/bill-enums.js';
import { SmtpError, sendSmtpMessage } from '../../mail/smtp-client.js';
import type { BillEmailOutcome } from '../../workflows/contracts/bill-email.js';
import { billTotals } from '../bill-totals.js';
import { htmlToPdf } from '../document/bill-pdf.js';
import { sellerSettings } from '../document/render-bill.js';
import { billEmailMessage } from './bill-email-message.js';

interface Row {
  state: BillEmailOutcome;
  recipients: string[];
  message_id: string;
  created_at: Date;
  bill_id: string;
  type: BillType;
  number: string;
  language: string;
  closed_on: string;
  due_on: string | null;
  html: string;
}

const ROW = `select e.state, e.recipients, e.message_id, e.created_at, b.id::text as bill_id, b.type, b.number, b.language,
                    b.closed_on::text, b.due_on::text, b.html
               from bill_email e join bill b on b.id = e.bill_id where e.id = ?`;

/**
 * Sends one bill e-mail (the activity of billEmailWorkflow): the frozen document as PDF to the recipients recorded
 * when it was queued, with the Message-ID given at the first attempt.
 *
 * Exactly once, as far as SMTP allows. The send happens while this attempt holds the row's lock, and SENT is committed
 * in that same transaction before the activity returns (so before Temporal hears of it): a retry after a worker
 * restart — or a concurrent attempt, which waits for the lock — reads SENT and sends nothing. One window remains:
 * between the SMTP server's "250" to the message and the commit of SENT (this process killed, the database lost, in
 * those milliseconds), the retry sends it again — with the same Message-ID and Date, so it is the same message to
 * receivers that deduplicate. SMTP has no way to ask a server whether it took a message, so no client can close it.
 */
export async function sendBillEmail(em: EntityManager, mail: OutgoingMailSettings, id: string): Promise<BillEmailOutcome> {
  // Counted and named before anything can fail, in a commit of its own: every attempt shows, and every retry reuses
  // the first attempt's Message-ID.
  const domain = mail.from.slice(mail.from.lastIndexOf('@') + 1);
  const claimed = await em.fork().execute(
    `update bill_email set attempts = attempts + 1, message_id = coalesce(message_id, ?), updated_at = now() where id = ? and state = 'QUEUED' returning id`,
    [`<bill-${randomUUID()}@${domain}>`, id],
  );
  if (claimed.length === 0) return stateOf(em, id);
  const first: Row[] = await em.fork().execute(ROW, [id]);
  const bill = first[0]!;
  if (!mail.smtp) throw await recordFailure(em, id, new SmtpError('ORCHESTRA_SMTP_URL is not set: Orchestra sends no e-mail', false));
  const pdf = await htmlToPdf(bill.html);
  const total = formatMoney((await billTotals(em.fork(), bill.bill_id)).total);
  const { subject, text } = billEmailMessage({
    type: bill.type, number: bill.number, language: bill.language, closedOn: bill.closed_on, dueOn: bill.due_on, total, sellerName: sellerSettings().name,
  });
  const smtp = mail.smtp;
  const failure = await em.fork().transactional(async (tx) => {
    const locked: Row[] = await tx.execute(`${ROW} for update of e`, [id]);
    if (locked[0]?.state !== 'QUEUED') return null;
    const row = locked[0];
    try {
      const response = await sendSmtpMessage(smtp, mail.from, {
        to: row.recipients, subject, text, messageId: row.message_id, date: row.created_at,
        attachments: [{ filename: `${row.number}.pdf`, contentType: 'application/pdf', content: pdf }],
      });
      await tx.execute(`update bill_email set state = 'SENT', sent_at = now(), smtp_response = ?, last_error = null, updated_at = now() where id = ?`, [response, id]);
      await tx.execute('update bill set is_sent = true, updated_at = now() where id = ?', [row.bill_id]);
      return null;
    } catch (err) {
      if (!(err instanceof SmtpError)) throw err;
      return err;
    }
  });
  if (failure) throw await recordFailure(em, id, failure);
  return stateOf(em, id);
}

/** Records why the attempt failed (a permanent refusal ends it: FAILED) and gives back the error to throw. */
async function recordFailure(em: EntityManager, id: string, err: SmtpError): Promise<SmtpError> {
  await em.fork().execute(
    `update bill_email set last_error = ?, state = case when ? then 'FAILED'::bill_email_state else state end, updated_at = now() where id = ? and state = 'QUEUED'`,
    [err.message.slice(0, 2000), err.permanent, id],
  );
  return err;
}

/** Marks an e-mail whose retries are exhausted as failed, keeping its last error. */
export async function failBillEmail(em: EntityManager, id: string, error: string): Promise<void> {
  await em.fork().execute(
    `update bill_email set state = 'FAILED', last_error = coalesce(last_error, ?), updated_at = now() where id = ? and state = 'QUEUED'`,
    [error.slice(0, 2000), id],
  );
}

async function stateOf(em: EntityManager, id: string): Promise<BillEmailOutcome> {
  const rows: { state: BillEmailOutcome }[] = await em.fork().execute('select state from bill_email where id = ?', [id]);
  return rows[0]?.state ?? 'GONE';
}

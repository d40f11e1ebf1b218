import { ApplicationFailure } from '@temporalio/common';
import { failBillEmail, sendBillEmail } from '../../bills/email/send-bill-email.js';
import { relayBillEmails } from '../../bills/email/start-bill-emails.js';
import { SmtpError } from '../../mail/smtp-client.js';
import type { BillEmailActivities } from '../../workflows/contracts/bill-email.js';
import type { ActivityDeps } from '../activity-deps.js';

/** The bill e-mail queue's activities (src/bills/email/). */
export function billEmailActivities(deps: ActivityDeps): BillEmailActivities {
  return {
    async sendBillEmail(id) {
      try {
        return await sendBillEmail(deps.orm.em.fork(), deps.mail, id);
      } catch (err) {
        if (err instanceof SmtpError && err.permanent) throw ApplicationFailure.nonRetryable(err.message, 'PermanentSmtpError');
        throw err;
      }
    },
    async failBillEmail(id, error) {
      await failBillEmail(deps.orm.em.fork(), id, error);
    },
    async relayBillEmails() {
      return relayBillEmails(deps.orm.em.fork(), deps.temporal, deps.taskQueue);
    },
  };
}

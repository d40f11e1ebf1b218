import { ApplicationFailure } from '@temporalio/common';
import { SmtpError, sendSmtpMessage } from '../../mail/smtp-client.js';
import type { MailActivities } from '../../workflows/contracts/mail.js';
import type { ActivityDeps } from '../activity-deps.js';

/** The mail queue's activity: one message to the configured SMTP server. */
export function mailActivities(deps: ActivityDeps): MailActivities {
  return {
    async sendMail(message) {
      const { smtp, from } = deps.mail;
      if (!smtp) throw ApplicationFailure.nonRetryable('ORCHESTRA_SMTP_URL is not set: Orchestra sends no e-mail', 'PermanentSmtpError');
      try {
        await sendSmtpMessage(smtp, from, message);
      } catch (err) {
        if (err instanceof SmtpError && err.permanent) throw ApplicationFailure.nonRetryable(err.message, 'PermanentSmtpError');
        throw err;
      }
    },
  };
}

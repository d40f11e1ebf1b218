// The contract of the mail queue: a workflow per message, its one activity retried until the relay takes it.
import type { MailMessage } from '../../mail/smtp-client.js';

export const SEND_MAIL_WORKFLOW = 'sendMailWorkflow';

export interface MailActivities {
  /** Hands the message to the SMTP relay; throws (and is retried) while it cannot. */
  sendMail(message: MailMessage): Promise<void>;
}

export type { MailMessage };

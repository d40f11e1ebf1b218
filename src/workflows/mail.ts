import { proxyActivities } from '@temporalio/workflow';
import type { MailActivities, MailMessage } from './contracts/mail.js';

const { sendMail } = proxyActivities<MailActivities>({
  startToCloseTimeout: '2 minutes',
  // The queue: a relay that is down or says "try later" (4xx) is tried again for about a day; a permanent refusal (5xx)
  // ends the workflow as failed, where operators see it.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes', maximumAttempts: 60, nonRetryableErrorTypes: ['PermanentSmtpError'] },
});

/** One e-mail of Orchestra's, durable: it survives worker and relay restarts until the relay accepts it. */
export async function sendMailWorkflow(message: MailMessage): Promise<void> {
  await sendMail(message);
}

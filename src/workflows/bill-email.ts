import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { BillEmailActivities, BillEmailOutcome } from './contracts/bill-email.js';

const { sendBillEmail } = proxyActivities<BillEmailActivities>({
  startToCloseTimeout: '5 minutes',
  // The queue: an SMTP server that is down or says "try later" is tried again with backoff for about two days; a
  // permanent refusal (5xx) stops at once. Each attempt reads the row first, so a retry of a sent e-mail sends nothing.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 60, nonRetryableErrorTypes: ['PermanentSmtpError'] },
});
const { failBillEmail } = proxyActivities<BillEmailActivities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } });

/** One bill e-mail, durable: it survives worker and SMTP server restarts until the server accepts it (or refuses it). */
export async function billEmailWorkflow(billEmailId: string): Promise<BillEmailOutcome> {
  try {
    return await sendBillEmail(billEmailId);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause instanceof ApplicationFailure ? err.cause.message : String(err.cause ?? err.message);
    await failBillEmail(billEmailId, cause);
    return 'FAILED';
  }
}

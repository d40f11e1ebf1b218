// The contract of the bill e-mail queue: a workflow per `bill_email` row, its send retried with backoff.

export const BILL_EMAIL_WORKFLOW = 'billEmailWorkflow';

/** Where a bill e-mail ended: the row's state. */
export type BillEmailOutcome = 'QUEUED' | 'SENT' | 'FAILED' | 'GONE';

export interface BillEmailActivities {
  /**
   * Sends the e-mail of the row unless it is no longer queued; records the outcome before it returns. Throws (and is
   * retried) while the SMTP server does not take it; a permanent refusal is a non-retryable `PermanentSmtpError`.
   */
  sendBillEmail(billEmailId: string): Promise<BillEmailOutcome>;
  /** Marks the row FAILED with the last error, when the retries are exhausted or the refusal is permanent. */
  failBillEmail(billEmailId: string, error: string): Promise<void>;
  /** Starts the workflows of rows committed but never started (the outbox relay). Returns how many. */
  relayBillEmails(): Promise<number>;
}

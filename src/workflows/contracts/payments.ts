// The contract of the payments processing workflow (the payments.process schedule): names, data and activities.

export const PAYMENTS_PROCESS_WORKFLOW = 'paymentsProcessWorkflow';

/** What a processing run did: files made, transactions put in them, SEPA transactions left waiting. */
export interface PaymentsProcessCounts {
  processes: number;
  transactions: number;
  skipped: number;
}

/** The activities of the payments workflow (src/activities/payments/). */
export interface PaymentsActivities {
  processWaitingTransactions(): Promise<PaymentsProcessCounts>;
}

// The contract of the invoicing workflow (the billing.invoice schedule): names, data and activities.

export const BILLING_INVOICE_WORKFLOW = 'billingInvoiceWorkflow';

/** What a scheduled invoicing run did. */
export interface InvoiceRunCounts {
  accounts: number;
  bills: number;
  lines: number;
  skippedServices: number;
}

/** The activities of the invoicing workflow (src/activities/invoicing/). */
export interface InvoicingActivities {
  invoicePendingOrders(): Promise<InvoiceRunCounts>;
}

import { heartbeat } from '@temporalio/activity';
import { dayOf } from '../../billing/orders/calendar.js';
import { invoiceRun } from '../../invoicing/run/invoice-run.js';
import type { InvoicingActivities } from '../../workflows/contracts/invoicing.js';
import type { ActivityDeps } from '../activity-deps.js';

/**
 * The invoicing schedule's activity: every account with pending orders, each in a transaction of its own — its one
 * statement's, given an entity manager outside any transaction (src/invoicing/run/bill-account.ts).
 */
export function invoicingActivities(deps: ActivityDeps): InvoicingActivities {
  return {
    async invoicePendingOrders() {
      const today = dayOf(new Date());
      // Each account commits without waiting for its WAL flush: the run is re-runnable (see InvoiceOptions).
      const options = { billingPoint: today, fixedPoint: false, proforma: false, newOpen: false, preview: false, today, asynchronousCommit: true };
      // Two accounts under way at once: the next one's lines are computed while the one before is in PostgreSQL.
      const { billings: _, ...counts } = await invoiceRun(deps.orm.em.fork(), {}, options, (work) => {
        heartbeat();
        return work(deps.orm.em.fork());
      }, false, 2);
      return counts;
    },
  };
}

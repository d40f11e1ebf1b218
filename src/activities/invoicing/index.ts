import { heartbeat } from '@temporalio/activity';
import { dayOf } from '../../billing/orders/calendar.js';
import { ACCOUNTS_PER_STATEMENT, STATEMENTS_AT_ONCE, invoiceRun } from '../../invoicing/run/invoice-run.js';
import type { InvoicingActivities } from '../../workflows/contracts/invoicing.js';
import type { ActivityDeps } from '../activity-deps.js';

/**
 * The invoicing schedule's activity: every account with pending orders, a few accounts per statement, each statement
 * its own transaction (given an entity manager outside any) and each account a subtransaction of it, billed whole or
 * not at all (src/invoicing/run/bill-accounts.ts).
 */
export function invoicingActivities(deps: ActivityDeps): InvoicingActivities {
  return {
    async invoicePendingOrders() {
      const today = dayOf(new Date());
      // Each account commits without waiting for its WAL flush: the run is re-runnable (see InvoiceOptions).
      const options = { billingPoint: today, fixedPoint: false, proforma: false, newOpen: false, preview: false, today, asynchronousCommit: true };
      // Several statements under way at once (the next ones' lines are computed while the others are in PostgreSQL),
      // each writing ACCOUNTS_PER_STATEMENT accounts, each of them all or nothing (src/invoicing/run/bill-accounts.ts).
      const { billings: _, ...counts } = await invoiceRun(deps.orm.em.fork(), {}, options, (work) => {
        heartbeat();
        return work(deps.orm.em.fork());
      }, false, STATEMENTS_AT_ONCE, ACCOUNTS_PER_STATEMENT);
      return counts;
    },
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderBilling } from '../invoicing-types.js';
import type { BillGroup } from './assign-bills.js';

/** What `invoice_account` writes for one account: its bills (with lines and sublines) and its orders' moves. */
export interface AccountWrite {
  accountId: string;
  groups: readonly BillGroup[];
  /** The orders' new billing state (with what it was, recorded on their lines for undo). */
  orders: readonly OrderBilling[];
  /** Move the orders (not for a proforma, whose orders stay as they are). */
  moveOrders: boolean;
  /** The billing day (the moved orders' billed-on). */
  today: string;
  /** Write only if the account's digest is still this one (the inputs were read ahead); undefined: no check. */
  fingerprint: string | undefined;
  /** `synchronous_commit = off` for the statement's transaction (the schedule's run only: see InvoiceOptions). */
  asynchronousCommit: boolean;
}

/**
 * Writes an account's billing in ONE statement, the database function `invoice_account` (migration 20261129231847):
 * it locks the account, checks the digest, writes the bills, lines and sublines and moves the orders. Called outside a
 * transaction it is its own (one account, one round trip, committed whole or not at all); inside one it holds the
 * account's lock until that commits. Returns the bills' ids, or undefined when the digest changed (nothing written).
 */
export async function invoiceAccount(em: EntityManager, write: AccountWrite): Promise<string[] | undefined> {
  const [row] = await em.execute<{ result: { bill_ids?: string[]; changed?: boolean } }[]>('select invoice_account(?::jsonb) as result', [JSON.stringify(payloadOf(write))]);
  return row!.result.changed ? undefined : row!.result.bill_ids!;
}

/** The JSON `invoice_account` takes for one account (`invoice_accounts` takes an array of them). */
export function payloadOf(write: AccountWrite) {
  const before = new Map(write.orders.map((o) => [o.orderId, o.before] as const));
  return {
    account_id: write.accountId,
    fingerprint: write.fingerprint ?? null,
    asynchronous_commit: write.asynchronousCommit,
    today: write.today,
    bills: write.groups.map((group) => ({
      type: group.type,
      reuse_open: group.reuseOpen,
      lines: group.lines.map((line, k) => {
        const was = before.get(line.orderId);
        return {
          k,
          order_id: line.orderId,
          description: line.description.slice(0, 256),
          rate: line.rate.toFixed(4),
          quantity: line.metric.times(line.size).toFixed(5),
          verbose_quantity: line.metric.equals(1) ? line.size.toString() : `${line.metric.toString()} × ${line.size.toString()}`,
          subtotal: line.subtotal.toFixed(2),
          tax_rate: line.taxRate.toFixed(2),
          start_on: line.startOn,
          end_on: line.endOn,
          order_billed_on: was?.billedOn ?? null,
          order_billed_until: was?.billedUntil ?? null,
          order_billed_metric: was?.billedMetric?.toString() ?? null,
          givers: line.givers,
        };
      }),
      sublines: group.lines.flatMap((line, k) => line.sublines.map((s) => ({ k, type: s.type, total: s.total.toFixed(2), description: SUBLINE_DESCRIPTIONS[s.type] }))),
    })),
    moves: (write.moveOrders ? write.orders : []).map((o) => ({ id: o.orderId, billed: o.billed, billed_until: o.billedUntil, billed_metric: o.billedMetric?.toString() ?? null })),
  };
}

const SUBLINE_DESCRIPTIONS: Record<string, string> = { PLAN: 'Discount per plan', COMPENSATION: 'Compensation', PREPAY: 'Prepaid' };

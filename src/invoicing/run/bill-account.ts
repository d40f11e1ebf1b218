import type { EntityManager } from '@mikro-orm/postgresql';
import { generateLines } from '../generate-lines.js';
import { UnsupportedMetricMode } from '../bill-with-metric.js';
import type { AccountServiceInput, ComputedLine, OrderBilling } from '../invoicing-types.js';
import { accountInputs, type OrderSelection } from './account-inputs.js';
import { inputsFingerprint } from './inputs-fingerprint.js';
import { invoiceAccount, type AccountWrite } from './invoice-account.js';
import { assignBills, type BillGroup, type BillOptions } from './assign-bills.js';

export interface InvoiceOptions extends BillOptions {
  billingPoint: string;
  fixedPoint: boolean;
  today: string;
  /** Compute and return, write nothing. */
  preview: boolean;
  /**
   * Commit each account's transaction without waiting for its WAL flush (`synchronous_commit = off` for that
   * transaction only). Only for the schedule's run, where each account has a transaction of its own (or a
   * subtransaction of its statement's few accounts, committed together): a crash may lose the last accounts' commits (a fraction of a second's worth), and since an account's bill and its orders' moves
   * commit together, the lost accounts are simply billed by the next run — nothing doubled, nothing half-written.
   * Never for an admin's mutation, which reports its bills as written.
   */
  asynchronousCommit?: boolean;
}

/** An account's inputs read before its transaction, with the digest of what they were read from. */
export interface ReadAhead {
  inputs: AccountServiceInput[];
  fingerprint: string;
}

export interface AccountBilling {
  accountId: string;
  groups: BillGroup[];
  /** The bills written (none for a preview), in group order. */
  billIds: string[];
  /** Services whose combination of periods cannot be billed (skipped, with why). */
  skipped: { serviceId: string; reason: string }[];
}

/**
 * Bills one account: computes every service's lines (src/invoicing/generate-lines.ts), puts them on bills, and writes
 * them with the orders' moves in ONE statement (`invoiceAccount`), which first locks the account's row, so two runs
 * (or a run and an admin) billing it at once take turns and the second sees the orders the first moved — nothing is
 * billed twice. Inputs read ahead (the run's page) are written only if their digest still holds under that lock (the
 * statement checks it); else the account is read and computed again under the lock, in the caller's transaction or,
 * outside one (the schedule: each account's statement is its own transaction), in a transaction of its own.
 * A preview writes nothing: it locks and checks the digest by statements of their own.
 */
export async function billAccount(em: EntityManager, accountId: string, selection: OrderSelection, options: InvoiceOptions, read?: ReadAhead): Promise<AccountBilling> {
  if (options.preview) return previewAccount(em, accountId, selection, options, read);
  if (read) {
    const billing = computeBilling(read.inputs, options);
    const billIds = await invoiceAccount(em, writeOf(accountId, billing, options, read.fingerprint));
    if (billIds) return { accountId, groups: billing.groups, billIds, skipped: billing.skipped };
  }
  // Nothing read ahead, or it changed: read, compute and write under the account's lock.
  const underLock = async (tx: EntityManager): Promise<AccountBilling> => {
    await tx.execute('select id from account where id = ? for update', [accountId]);
    const billing = computeBilling(await accountInputs(tx, accountId, selection), options);
    const billIds = (await invoiceAccount(tx, writeOf(accountId, billing, options, undefined)))!;
    return { accountId, groups: billing.groups, billIds, skipped: billing.skipped };
  };
  return em.isInTransaction() ? underLock(em) : em.transactional((tx) => underLock(tx as EntityManager));
}

/** What `invoice_account` writes for the account's computed billing. */
export function writeOf(accountId: string, billing: ComputedBilling, options: InvoiceOptions, fingerprint: string | undefined): AccountWrite {
  return { accountId, groups: billing.groups, orders: billing.orders, moveOrders: !options.proforma, today: options.today, fingerprint, asynchronousCommit: options.asynchronousCommit ?? false };
}

/** What billing the account would write now, under its lock (held until the caller's transaction ends). */
async function previewAccount(em: EntityManager, accountId: string, selection: OrderSelection, options: InvoiceOptions, read?: ReadAhead): Promise<AccountBilling> {
  await em.execute('select id from account where id = ? for update', [accountId]);
  const unchanged = read !== undefined && (await inputsFingerprint(em, accountId)) === read.fingerprint;
  const billing = computeBilling(unchanged ? read.inputs : await accountInputs(em, accountId, selection), options);
  return { accountId, groups: billing.groups, billIds: [], skipped: billing.skipped };
}

export interface ComputedBilling {
  groups: BillGroup[];
  orders: OrderBilling[];
  skipped: AccountBilling['skipped'];
}

/** An account's lines on their bills and its orders' moves, computed from its inputs (pure). */
export function computeBilling(inputs: readonly AccountServiceInput[], options: InvoiceOptions): ComputedBilling {
  const lines: ComputedLine[] = [];
  const orders: OrderBilling[] = [];
  const skipped: AccountBilling['skipped'] = [];
  for (const input of inputs) {
    try {
      const result = generateLines(input, options);
      lines.push(...result.lines);
      orders.push(...result.orders);
    } catch (error) {
      if (!(error instanceof UnsupportedMetricMode)) throw error;
      skipped.push({ serviceId: input.service.id, reason: error.message });
    }
  }
  return { groups: assignBills(lines, options), orders, skipped };
}

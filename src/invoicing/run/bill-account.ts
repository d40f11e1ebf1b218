import type { EntityManager } from '@mikro-orm/postgresql';
import { generateLines } from '../generate-lines.js';
import { UnsupportedMetricMode } from '../bill-with-metric.js';
import type { ComputedLine, OrderBilling } from '../invoicing-types.js';
import type { AccountServiceInput } from '../invoicing-types.js';
import { accountInputs, type OrderSelection } from './account-inputs.js';
import { inputsFingerprint, inputsFingerprintSql } from './inputs-fingerprint.js';
import { assignBills, type BillGroup, type BillOptions } from './assign-bills.js';

export interface InvoiceOptions extends BillOptions {
  billingPoint: string;
  fixedPoint: boolean;
  today: string;
  /** Compute and return, write nothing. */
  preview: boolean;
  /**
   * Commit each account's transaction without waiting for its WAL flush (`synchronous_commit = off` for that
   * transaction only). Only for the schedule's run, where each account has a transaction of its own: a crash may lose
   * the last accounts' commits (a fraction of a second's worth), and since an account's bill and its orders' moves
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
 * Bills one account in the caller's transaction: locks the account's row first, so two runs (or a run and an admin)
 * billing it at once take turns and the second sees the orders the first moved — nothing is billed twice. Then
 * computes every service's lines (src/invoicing/generate-lines.ts), puts them on bills and moves the orders.
 * Inputs read ahead (the run's page) are used only if their digest still holds under the lock; else they are read
 * again and the account computed again. The digest is checked by the first write itself (which then writes nothing
 * if it changed), or by a statement of its own when there is no bill to write — never by the locking statement: a
 * statement's snapshot is taken when it starts, so one that waited for the lock would still see the orders as they
 * were before the other run's commit.
 */
export async function billAccount(em: EntityManager, accountId: string, selection: OrderSelection, options: InvoiceOptions, read?: ReadAhead): Promise<AccountBilling> {
  await em.execute(`select id${options.asynchronousCommit ? `, set_config('synchronous_commit', 'off', true)` : ''} from account where id = ? for update`, [accountId]);
  let billing = computeBilling(read?.inputs ?? (await accountInputs(em, accountId, selection)), options);
  const computeAgain = async () => (billing = computeBilling(await accountInputs(em, accountId, selection), options));
  // Nothing to write (or a preview): the digest is checked by a statement of its own.
  if (read && (options.preview || billing.groups.length === 0) && (await inputsFingerprint(em, accountId)) !== read.fingerprint) await computeAgain();
  if (options.preview) return { accountId, groups: billing.groups, billIds: [], skipped: billing.skipped };
  let billIds = await writeBilling(em, accountId, billing, options, billing.groups.length ? read?.fingerprint : undefined);
  // The first write found the digest changed and wrote nothing: compute again from what is there now, under the lock.
  if (billIds === undefined) billIds = (await writeBilling(em, accountId, await computeAgain(), options, undefined))!;
  return { accountId, groups: billing.groups, billIds, skipped: billing.skipped };
}

/**
 * Writes an account's bills (a statement each) and moves its orders (with the last bill's statement; alone if there is
 * no bill: lines of quantity 0). With `check`, the first statement writes only if the account's digest is still that:
 * undefined if it was not (nothing written).
 */
async function writeBilling(em: EntityManager, accountId: string, billing: ComputedBilling, options: InvoiceOptions, check: string | undefined): Promise<string[] | undefined> {
  const moves = options.proforma ? [] : billing.orders;
  const before = new Map(billing.orders.map((o) => [o.orderId, o.before] as const));
  const billIds: string[] = [];
  for (const [k, group] of billing.groups.entries()) {
    const billId = await writeGroup(em, accountId, group, before, k === billing.groups.length - 1 ? moves : [], options.today, k === 0 ? check : undefined);
    if (billId === undefined) return undefined;
    billIds.push(billId);
  }
  if (billing.groups.length === 0 && moves.length) await moveOrders(em, moves, options.today);
  return billIds;
}

interface ComputedBilling {
  groups: BillGroup[];
  orders: OrderBilling[];
  skipped: AccountBilling['skipped'];
}

function computeBilling(inputs: readonly AccountServiceInput[], options: InvoiceOptions): ComputedBilling {
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

/**
 * Writes one bill group in one statement: the bill (the account's open one of the type, touched, or a new one), its
 * lines and their sublines (the lines' ids drawn in the statement, the sublines joined to them by the line's position)
 * and the orders' moves given: a round trip per bill rather than per table. With `check`, only if the account's
 * digest is still that (else nothing is written and the result is undefined).
 */
async function writeGroup(
  em: EntityManager, accountId: string, group: BillGroup, before: Map<string, OrderBilling['before']>, moves: OrderBilling[], today: string, check: string | undefined,
): Promise<string | undefined> {
  const lineRows = group.lines.map((line, k) => {
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
  });
  const sublines = group.lines.flatMap((line, k) => line.sublines.map((s) => ({ k, type: s.type, total: s.total.toFixed(2), description: SUBLINE_DESCRIPTIONS[s.type] })));
  const [bill] = await em.execute<{ id: string | null }[]>(
    `with ok as (select ${check === undefined ? 'true' : `${inputsFingerprintSql('?::bigint')} = ?`} as ok),
     reused as (
       update bill set updated_at = now()
        where (select ok from ok) and ?::boolean and id = (select id from bill where account_id = ? and type = ? and is_open order by id desc limit 1)
       returning id),
     created as (
       insert into bill (created_at, updated_at, account_id, type, is_open, is_sent, comments, language)
       select now(), now(), a.id, ?, true, false, '', a.language from account a where a.id = ? and (select ok from ok) and not exists (select 1 from reused)
       returning id),
     bill as (select id from reused union all select id from created),
     v as materialized (
       select nextval('bill_line_id_seq') as id, v.*
         from jsonb_to_recordset(?::jsonb) as v(k int, order_id bigint, description text, rate numeric, quantity numeric, verbose_quantity text,
              subtotal numeric, tax_rate numeric, start_on date, end_on date, order_billed_on date, order_billed_until date, order_billed_metric numeric, givers jsonb)),
     lines as (
       insert into bill_line (id, created_at, updated_at, bill_id, account_id, order_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate,
                              start_on, end_on, order_billed_on, order_billed_until, order_billed_metric, givers)
       select v.id, now(), now(), (select id from bill), ?, v.order_id, v.description, v.rate, v.quantity, v.verbose_quantity, v.subtotal, v.tax_rate,
              v.start_on, v.end_on, v.order_billed_on, v.order_billed_until, v.order_billed_metric, v.givers
         from v where (select ok from ok)),
     sublines as (
       insert into bill_subline (created_at, updated_at, line_id, account_id, type, description, total)
       select now(), now(), v.id, ?, s.type::bill_subline_type, s.description, s.total
         from jsonb_to_recordset(?::jsonb) as s(k int, type text, description text, total numeric) join v on v.k = s.k where (select ok from ok)),
     moved as (${MOVE_ORDERS_SQL} and (select ok from ok))
     select (select id::text from bill) as id`,
    [...(check === undefined ? [] : [...Array<string>(5).fill(accountId), check]), group.reuseOpen, accountId, group.type, group.type, accountId, JSON.stringify(lineRows), accountId, accountId, JSON.stringify(sublines), today, movesJson(moves)],
  );
  return bill!.id ?? undefined;
}

const SUBLINE_DESCRIPTIONS: Record<string, string> = { PLAN: 'Discount per plan', COMPENSATION: 'Compensation', PREPAY: 'Prepaid' };

/** The orders' billing state after billing (parameters: the billing day, the moves as JSON). */
const MOVE_ORDERS_SQL = `update billing_order o set billed_on = case when v.billed then ?::date else o.billed_on end,
            billed_until = v.billed_until, billed_metric = v.billed_metric, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as v(id bigint, billed boolean, billed_until date, billed_metric numeric)
      where o.id = v.id`;

function movesJson(orders: readonly OrderBilling[]): string {
  return JSON.stringify(orders.map((o) => ({ id: o.orderId, billed: o.billed, billed_until: o.billedUntil, billed_metric: o.billedMetric?.toString() ?? null })));
}

async function moveOrders(em: EntityManager, orders: OrderBilling[], today: string): Promise<void> {
  await em.execute(MOVE_ORDERS_SQL, [today, movesJson(orders)], 'run');
}

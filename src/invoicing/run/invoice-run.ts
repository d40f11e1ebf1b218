import type { EntityManager } from '@mikro-orm/postgresql';
import { pageInputs, type OrderSelection } from './account-inputs.js';
import { billAccount, type AccountBilling, type InvoiceOptions } from './bill-account.js';
import { billAccounts } from './bill-accounts.js';
import { inputsFingerprintSql } from './inputs-fingerprint.js';
import type { AccountServiceInput } from '../invoicing-types.js';

export const INVOICE_PAGE_SIZE = 500;
/**
 * The schedule's accounts per statement (`invoice_accounts`: one round trip, one transaction, a subtransaction per
 * account). Well under 64, PostgreSQL's cache of a transaction's subtransactions per backend, past which checking a
 * row's visibility gets slower for every session.
 */
export const ACCOUNTS_PER_STATEMENT = 8;
/**
 * The schedule's statements under way at once (each on a connection of its own, plus one reading the next page): the
 * next statement's accounts are computed while the other is in PostgreSQL. 4 was faster only at load 15+ on 2 cores;
 * at load 3–9 it cost PostgreSQL more CPU per account and 2 was faster (bench/README.md, "Session 9").
 */
export const STATEMENTS_AT_ONCE = 2;

/**
 * How each account (or each statement's accounts, `accountsPerStatement` > 1) is billed: in a transaction of its own
 * (the schedule: `work` given an entity manager outside any transaction, so the one statement is its transaction), or
 * all in the caller's (a mutation). `accountIds`: the accounts `work` bills.
 */
export type AccountRunner = <T>(work: (em: EntityManager) => Promise<T>, accountIds: readonly string[]) => Promise<T>;

export interface InvoiceRunResult {
  accounts: number;
  bills: number;
  lines: number;
  skippedServices: number;
  billings: AccountBilling[];
}

/**
 * Bills every account with not-ignored orders of active services (within the selection), a page of accounts at a
 * time (keyset on id), each account all or nothing (a transaction of its own, or a subtransaction of its statement's
 * with `accountsPerStatement` > 1): an interrupted run leaves whole accounts billed or not,
 * and the next run completes the rest without billing anything twice (orders already billed up to their billing
 * point are skipped). The keyset is the numeric id: ordered as text ('1000' < '999'), pages revisited accounts.
 * A page's inputs are read for all its accounts at once (three statements, outside the accounts' transactions), each
 * account's with a digest taken when the page is picked; under the account's lock the digest is checked and the account
 * read again if anything changed in between (src/invoicing/run/inputs-fingerprint.ts).
 * `keep` says whether to return each account's billing (previews and mutations) or only counts. `accountsAtOnce` > 1
 * (only for a runner giving each account a connection of its own: the schedule) starts the next account — computing its
 * lines in TypeScript, then sending its statement — while the one before is still in PostgreSQL: still one account per
 * transaction, the accounts' locks independent; the first failure stops starting accounts and is thrown once the ones
 * under way end (each of them billed whole or not at all, as in a sequential run); it also reads the next page while
 * the accounts of one are billed (the page's statements then cost the run no wall time). `accountsPerStatement` > 1
 * (not for previews) writes that many accounts of a page in ONE statement (`billAccounts`): each account still all or
 * nothing (a subtransaction of its own), the statement's accounts committed together; an account that fails leaves
 * the others billed, is left as it was (billed by the next run) and stops the run after them as above.
 */
export async function invoiceRun(
  em: EntityManager, selection: OrderSelection, options: InvoiceOptions, runAccount: AccountRunner, keep = false, accountsAtOnce = 1, accountsPerStatement = 1,
): Promise<InvoiceRunResult> {
  const result: InvoiceRunResult = { accounts: 0, bills: 0, lines: 0, skippedServices: 0, billings: [] };
  const readPage = async (after: string) => {
    const page: { account_id: string; fingerprint: string }[] = await em.execute(
      `select o.account_id::text, ${inputsFingerprintSql('o.account_id')} as fingerprint from billing_order o join service s on s.id = o.service_id
        where not o.ignore and s.is_active and o.account_id > ?
          and (?::jsonb = '[]'::jsonb or o.account_id in (select (jsonb_array_elements_text(?::jsonb))::bigint))
          and (?::jsonb = '[]'::jsonb or o.service_id in (select (jsonb_array_elements_text(?::jsonb))::bigint))
          and (?::jsonb = '[]'::jsonb or o.id in (select (jsonb_array_elements_text(?::jsonb))::bigint))
        group by o.account_id order by o.account_id limit ?`,
      [after, ...twice(selection.accountIds), ...twice(selection.serviceIds), ...twice(selection.orderIds), INVOICE_PAGE_SIZE],
    );
    return { page, inputs: page.length === 0 ? new Map<string, AccountServiceInput[]>() : await pageInputs(em, page.map((p) => p.account_id), selection) };
  };
  let next = readPage('0');
  for (;;) {
    const { page, inputs } = await next;
    if (page.length === 0) return result;
    // Accounts under way on connections of their own (the schedule): the next page is read while this one is billed,
    // so the accounts do not wait for the page's four statements; its digests are checked under each account's lock
    // like this page's. One account at a time (a mutation's transaction: one connection), after this page.
    const after = page.at(-1)!.account_id;
    if (accountsAtOnce > 1) {
      next = readPage(after);
      // Awaited at the next page; until then a failure must not count as unhandled (the page's own failure wins).
      next.catch(() => undefined);
    }
    const count = (billing: AccountBilling) => {
      result.accounts++;
      result.bills += billing.groups.length;
      result.lines += billing.groups.reduce((n, g) => n + g.lines.length, 0);
      result.skippedServices += billing.skipped.length;
      if (keep) result.billings.push(billing);
    };
    const reads = page.map(({ account_id: accountId, fingerprint }) => ({ accountId, read: { inputs: inputs.get(accountId) ?? [], fingerprint } }));
    if (accountsPerStatement > 1 && !options.preview) {
      await eachAtMost(chunks(reads, accountsPerStatement), accountsAtOnce, async (unit) => {
        const { billings, failure } = await runAccount((tx) => billAccounts(tx, unit, selection, options), unit.map((r) => r.accountId));
        billings.forEach(count);
        if (failure) throw failure.error;
      });
    } else {
      await eachAtMost(reads, accountsAtOnce, async ({ accountId, read }) => {
        count(await runAccount((tx) => billAccount(tx, accountId, selection, options, read), [accountId]));
      });
    }
    if (accountsAtOnce <= 1) next = readPage(after);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

function twice(ids: readonly string[] | undefined): [string, string] {
  const json = JSON.stringify(ids ?? []);
  return [json, json];
}

/** `work` over the items in order, at most `limit` under way at once; the first failure stops new ones and is thrown. */
async function eachAtMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    if (failure) break;
    const task: Promise<void> = work(item)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}

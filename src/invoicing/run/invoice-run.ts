import type { EntityManager } from '@mikro-orm/postgresql';
import { pageInputs, type OrderSelection } from './account-inputs.js';
import { billAccount, type AccountBilling, type InvoiceOptions } from './bill-account.js';
import { inputsFingerprintSql } from './inputs-fingerprint.js';
import type { AccountServiceInput } from '../invoicing-types.js';

export const INVOICE_PAGE_SIZE = 500;

/**
 * How each account is billed: in a transaction of its own (the schedule: `work` given an entity manager outside any
 * transaction, so the account's one statement is its transaction), or all in the caller's (a mutation).
 */
export type AccountRunner = (work: (em: EntityManager) => Promise<AccountBilling>, accountId: string) => Promise<AccountBilling>;

export interface InvoiceRunResult {
  accounts: number;
  bills: number;
  lines: number;
  skippedServices: number;
  billings: AccountBilling[];
}

/**
 * Bills every account with not-ignored orders of active services (within the selection), a page of accounts at a
 * time (keyset on id), each account in its own transaction: an interrupted run leaves whole accounts billed or not,
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
 * the accounts of one are billed (the page's statements then cost the run no wall time).
 */
export async function invoiceRun(
  em: EntityManager, selection: OrderSelection, options: InvoiceOptions, runAccount: AccountRunner, keep = false, accountsAtOnce = 1,
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
    await eachAtMost(page, accountsAtOnce, async ({ account_id: accountId, fingerprint }) => {
      const read = { inputs: inputs.get(accountId) ?? [], fingerprint };
      const billing = await runAccount((tx) => billAccount(tx, accountId, selection, options, read), accountId);
      result.accounts++;
      result.bills += billing.groups.length;
      result.lines += billing.groups.reduce((n, g) => n + g.lines.length, 0);
      result.skippedServices += billing.skipped.length;
      if (keep) result.billings.push(billing);
    });
    if (accountsAtOnce <= 1) next = readPage(after);
  }
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

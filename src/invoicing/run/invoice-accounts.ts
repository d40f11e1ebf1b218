import type { EntityManager } from '@mikro-orm/postgresql';
import { payloadOf, type AccountWrite } from './invoice-account.js';

/** An account `invoice_accounts` rolled back alone (its subtransaction): the database's error, with its SQLSTATE. */
export class AccountWriteFailed extends Error {
  constructor(readonly accountId: string, readonly sqlState: string, message: string) {
    super(`invoice_account: account ${accountId}: ${message}`);
  }
}

/** One account's outcome: its bills' ids, undefined when its digest changed (nothing written), or why it failed. */
export type AccountWriteResult = string[] | undefined | AccountWriteFailed;

/**
 * Writes several accounts' billings in ONE statement, the database function `invoice_accounts` (migration
 * 20261130054500): `invoice_account` for each, in order, each in a subtransaction of its own, so an account that
 * fails is rolled back alone (bills, lines, sublines, order moves, lock) and the others are kept. Called outside a
 * transaction the statement is the accounts' one transaction: they commit together (asynchronously when the writes
 * ask for it), their locks held until then. Returns each account's outcome in the order of `writes`.
 */
export async function invoiceAccounts(em: EntityManager, writes: readonly AccountWrite[]): Promise<AccountWriteResult[]> {
  const [row] = await em.execute<{ results: { bill_ids?: string[]; changed?: boolean; error?: string; sqlstate?: string }[] }[]>(
    'select invoice_accounts(?::jsonb) as results',
    [JSON.stringify(writes.map(payloadOf))],
  );
  return row!.results.map((result, i) => {
    if (result.error !== undefined) return new AccountWriteFailed(writes[i]!.accountId, result.sqlstate ?? '', result.error);
    return result.changed ? undefined : result.bill_ids!;
  });
}

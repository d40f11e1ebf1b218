import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * SQL for a digest of everything invoicing reads of an account (src/invoicing/run/account-inputs.ts): every column of
 * its orders (ignored ones too) and of their metric rows, its contracted plans, and the services, rates and plans of
 * its orders — the database function `invoicing_inputs_fingerprint` (migration 20261129231847), which `invoice_account`
 * uses too, so the digest has one definition. A run reads a page's inputs outside the accounts' transactions, taking
 * this digest in the same statement that picks the page (so at or before every input read); under an account's lock
 * it takes the digest again: equal, nothing the run read has changed since (a row's every column is in it,
 * updated_at included); different (another run moved the orders, an order or a metric changed), the account's inputs
 * are read again under the lock. `account` is the SQL expression of the account's id.
 */
export function inputsFingerprintSql(account: string): string {
  return `invoicing_inputs_fingerprint(${account})`;
}

/** The account's digest now (in the caller's transaction: after its lock, a fresh snapshot of committed rows). */
export async function inputsFingerprint(em: EntityManager, accountId: string): Promise<string> {
  const [row] = await em.execute<{ fingerprint: string }[]>(`select ${inputsFingerprintSql('?::bigint')} as fingerprint`, [accountId]);
  return row!.fingerprint;
}

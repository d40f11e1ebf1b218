import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * SQL for a digest of everything invoicing reads of an account (src/invoicing/run/account-inputs.ts): every column of
 * its orders (ignored ones too) and of their metric rows, its contracted plans, and the services, rates and plans of
 * its orders. A run reads a page's inputs outside the accounts' transactions, taking this digest in the same statement
 * that picks the page (so at or before every input read); under an account's lock it takes the digest again: equal,
 * nothing the run read has changed since (a row's every column is in it, updated_at included); different (another run
 * moved the orders, an order or a metric changed), the account's inputs are read again under the lock.
 * `account` is the SQL expression of the account's id.
 */
export function inputsFingerprintSql(account: string): string {
  return `md5(concat_ws('|',
    (select string_agg(x::text, ',' order by x.id) from billing_order x where x.account_id = ${account}),
    (select string_agg(m::text, ',' order by m.id) from order_metric m join billing_order x on x.id = m.order_id where x.account_id = ${account}),
    (select string_agg(c::text, ',' order by c.id) from contracted_plan c where c.account_id = ${account}),
    (select string_agg(s::text, ',' order by s.id) from service s where s.id in (select x.service_id from billing_order x where x.account_id = ${account})),
    (select string_agg(r::text || p::text, ',' order by r.id) from rate r join plan p on p.id = r.plan_id
      where r.service_id in (select x.service_id from billing_order x where x.account_id = ${account}))))`;
}

/** The account's digest now (in the caller's transaction: after its lock, a fresh snapshot of committed rows). */
export async function inputsFingerprint(em: EntityManager, accountId: string): Promise<string> {
  const [row] = await em.execute<{ fingerprint: string }[]>(`select ${inputsFingerprintSql('?::bigint')} as fingerprint`, Array<string>(5).fill(accountId));
  return row!.fingerprint;
}

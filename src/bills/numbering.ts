import type { EntityManager } from '@mikro-orm/postgresql';
import { BillType } from '../entities/bills/bill-enums.js';

/** Each kind of bill is numbered apart: `<prefix><year><sequence of 4 digits or more>` (I20240001). */
export const BILL_PREFIXES: Record<BillType, string> = {
  [BillType.INVOICE]: 'I',
  [BillType.AMENDMENT_INVOICE]: 'A',
  [BillType.FEE]: 'F',
  [BillType.AMENDMENT_FEE]: 'B',
  [BillType.PROFORMA]: 'P',
};

/**
 * The next number of a prefix and year, in the caller's transaction: the counter row's upsert locks it until that
 * transaction ends, so concurrent closings queue and each gets the next number; a rollback gives the number back.
 * Gapless and unique (the original took max + 1 without a lock: two closings could take the same number).
 */
export async function nextBillNumber(em: EntityManager, type: BillType, year: number): Promise<string> {
  const prefix = BILL_PREFIXES[type];
  const rows: { last: number }[] = await em.execute(
    `insert into bill_counter (created_at, updated_at, prefix, year, last) values (now(), now(), ?, ?, 1)
     on conflict (prefix, year) do update set last = bill_counter.last + 1, updated_at = now() returning last`,
    [prefix, year],
  );
  return `${prefix}${year}${String(rows[0]!.last).padStart(4, '0')}`;
}

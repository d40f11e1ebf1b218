import type { EntityManager } from '@mikro-orm/postgresql';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';

/**
 * Undoes the billing of lines of open bills (the original's action crashed): every line of the same order on the
 * same bill goes with them (they were billed together), each order gets back the billing state it had before them,
 * and each giver whose prepaid time they used gets its billed-until back. Returns how many lines were removed.
 * Lines of a closed bill are refused: a closed bill is corrected by an amendment.
 */
export async function undoBilling(em: EntityManager, lineIds: readonly string[], field = 'lineIds'): Promise<number> {
  const rows: { id: string; bill_id: string; order_id: string | null; is_open: boolean; order_billed_on: string | null; order_billed_until: string | null; order_billed_metric: string | null; givers: { orderId: string; billedUntil: string }[] }[] = await em.execute(
    `select l.id::text, l.bill_id::text, l.order_id::text, b.is_open, l.order_billed_on::text, l.order_billed_until::text, l.order_billed_metric::text, l.givers
       from bill_line l join bill b on b.id = l.bill_id
      where (l.bill_id, l.order_id) in (select l2.bill_id, l2.order_id from bill_line l2 where l2.id in (select (jsonb_array_elements_text(?::jsonb))::bigint))
         or l.id in (select (jsonb_array_elements_text(?::jsonb))::bigint)
      order by l.id for update of l`,
    [JSON.stringify(lineIds), JSON.stringify(lineIds)],
  );
  const found = new Set(rows.map((r) => r.id));
  const missing = lineIds.filter((id) => !found.has(id));
  if (missing.length) throw new UserInputError(field, `no bill line ${missing.join(', ')}`, UserErrorCode.NOT_FOUND);
  if (rows.some((r) => !r.is_open)) throw new UserInputError(field, 'a line is on a closed bill: amend the bill instead', UserErrorCode.NOT_ALLOWED);
  const orders = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (r.order_id && !orders.has(r.order_id)) orders.set(r.order_id, r);
  if (orders.size) {
    await em.execute(
      `update billing_order o set billed_on = v.billed_on, billed_until = v.billed_until, billed_metric = v.billed_metric, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as v(id bigint, billed_on date, billed_until date, billed_metric numeric) where o.id = v.id`,
      [JSON.stringify([...orders.values()].map((r) => ({ id: r.order_id, billed_on: r.order_billed_on, billed_until: r.order_billed_until, billed_metric: r.order_billed_metric })))],
      'run',
    );
  }
  const givers = rows.flatMap((r) => r.givers);
  if (givers.length) {
    await em.execute(
      `update billing_order o set billed_until = greatest(o.billed_until, v.billed_until), updated_at = now()
         from jsonb_to_recordset(?::jsonb) as v(order_id bigint, billed_until date) where o.id = v.order_id`,
      [JSON.stringify(givers.map((g) => ({ order_id: g.orderId, billed_until: g.billedUntil })))],
      'run',
    );
  }
  await em.execute('delete from bill_line where id in (select (jsonb_array_elements_text(?::jsonb))::bigint)', [JSON.stringify([...found])], 'run');
  return found.size;
}

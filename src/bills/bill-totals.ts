import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingDecimal } from '../billing/money.js';
import { billTotal, totalsByTaxRate, type TaxTotal, type TotalsLine } from '../invoicing/totals.js';

/** A bill's lines as totals read them, one statement. */
export async function billTotalsLines(em: EntityManager, billId: string): Promise<TotalsLine[]> {
  const rows: { subtotal: string; tax_rate: string; sublines: string[] | null }[] = await em.execute(
    `select l.subtotal::text, l.tax_rate::text, (select jsonb_agg(s.total::text) from bill_subline s where s.line_id = l.id) as sublines
       from bill_line l where l.bill_id = ? order by l.id`,
    [billId],
  );
  return rows.map((r) => ({ subtotal: new BillingDecimal(r.subtotal), taxRate: new BillingDecimal(r.tax_rate), sublines: (r.sublines ?? []).map((t) => ({ total: new BillingDecimal(t) })) }));
}

export async function billTotals(em: EntityManager, billId: string): Promise<{ byTaxRate: TaxTotal[]; total: InstanceType<typeof BillingDecimal> }> {
  const lines = await billTotalsLines(em, billId);
  return { byTaxRate: totalsByTaxRate(lines), total: billTotal(lines) };
}

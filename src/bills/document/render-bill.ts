import type { EntityManager } from '@mikro-orm/postgresql';
import { readSellerSettings, type SellerSettings } from '../../config/seller-settings.js';
import { BillingDecimal, formatMoney } from '../../billing/money.js';
import type { Bill } from '../../entities/bills/bill.js';
import { totalsByTaxRate } from '../../invoicing/totals.js';
import { billWords } from './bill-words.js';

let seller: SellerSettings | undefined;

export function sellerSettings(): SellerSettings {
  seller ??= readSellerSettings(process.env).settings;
  return seller;
}

/** Text made safe for HTML: whatever an account wrote (a description, its name) is shown, never interpreted. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const lines = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');

/**
 * The one template of every bill (invoice, fee, amendment, proforma): the seller from configuration, the billing
 * contact, the lines with their discounts, totals per tax rate, in the bill's language. A closed bill's document is
 * this HTML frozen when it was closed; PDF is made from it (./bill-pdf.ts).
 */
export async function renderBillHtml(em: EntityManager, bill: Bill): Promise<string> {
  const w = billWords(bill.language);
  const s = sellerSettings();
  const contact: { name: string; address: string; city: string; zipcode: string; country: string; vat: string }[] = await em.execute(
    'select name, address, city, zipcode, country, vat from bill_contact where account_id = ?',
    [bill.account.id],
  );
  const rows: { id: string; description: string; start_on: string; end_on: string | null; verbose_quantity: string; rate: string; subtotal: string; tax_rate: string; sublines: { type: string; total: string }[] | null }[] = await em.execute(
    `select l.id::text, l.description, l.start_on::text, l.end_on::text, l.verbose_quantity, l.rate::text, l.subtotal::text, l.tax_rate::text,
            (select jsonb_agg(jsonb_build_object('type', s.type, 'total', s.total::text) order by s.id) from bill_subline s where s.line_id = l.id) as sublines
       from bill_line l where l.bill_id = ? order by l.id`,
    [bill.id],
  );
  const totals = totalsByTaxRate(rows.map((r) => ({ subtotal: new BillingDecimal(r.subtotal), taxRate: new BillingDecimal(r.tax_rate), sublines: (r.sublines ?? []).map((x) => ({ total: new BillingDecimal(x.total) })) })));
  const total = totals.reduce((sum, t) => sum.plus(t.total), new BillingDecimal(0));
  const c = contact[0];
  const body = rows
    .map((r) => {
      const period = r.end_on ? `${r.start_on} – ${r.end_on}` : r.start_on;
      const subs = (r.sublines ?? []).map((x) => `<tr class="subline"><td colspan="4">${escapeHtml((w as Record<string, string>)[x.type] ?? x.type)}</td><td class="amount">${x.total}</td></tr>`).join('');
      return `<tr><td>${escapeHtml(r.description)}</td><td>${period}</td><td>${escapeHtml(r.verbose_quantity)}</td><td class="amount">${new BillingDecimal(r.rate).toFixed(2)}</td><td class="amount">${r.subtotal}</td></tr>${subs}`;
    })
    .join('\n');
  const taxRows = totals
    .map((t) => `<tr><td>${w.taxBase} (${w.tax} ${t.taxRate.toFixed(2)}%)</td><td class="amount">${formatMoney(t.base)}</td></tr><tr><td>${w.tax} ${t.taxRate.toFixed(2)}%</td><td class="amount">${formatMoney(t.tax)}</td></tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(bill.language)}"><head><meta charset="utf-8"><title>${escapeHtml(w[bill.type])} ${escapeHtml(bill.number ?? '')}</title>
<style>
body { font-family: sans-serif; font-size: 10pt; } table { border-collapse: collapse; width: 100%; }
td, th { padding: 2pt 4pt; text-align: left; } .amount { text-align: right; } .subline td { font-style: italic; }
header { display: flex; justify-content: space-between; } h1 { font-size: 16pt; }
</style></head><body>
<header><div class="seller"><strong>${escapeHtml(s.name)}</strong><br>${lines(s.address)}${s.vat ? `<br>${w.vat} ${escapeHtml(s.vat)}` : ''}${s.email ? `<br>${escapeHtml(s.email)}` : ''}${s.phone ? `<br>${escapeHtml(s.phone)}` : ''}${s.website ? `<br>${escapeHtml(s.website)}` : ''}</div>
<div class="buyer">${c ? `<strong>${escapeHtml(c.name)}</strong><br>${lines(c.address)}<br>${escapeHtml(c.zipcode)} ${escapeHtml(c.city)} ${escapeHtml(c.country)}${c.vat ? `<br>${w.vat} ${escapeHtml(c.vat)}` : ''}` : ''}</div></header>
<h1>${escapeHtml(w[bill.type])} ${escapeHtml(bill.number ?? `(${w.open})`)}</h1>
<p>${w.date}: ${bill.closedOn ?? bill.createdAt.toISOString().slice(0, 10)}${bill.dueOn ? ` · ${w.due}: ${bill.dueOn}` : ''}</p>
<table class="lines"><thead><tr><th>${w.description}</th><th>${w.period}</th><th>${w.quantity}</th><th class="amount">${w.rate}</th><th class="amount">${w.subtotal}</th></tr></thead>
<tbody>
${body}
</tbody></table>
<table class="totals">
${taxRows}
<tr class="total"><td><strong>${w.total}</strong></td><td class="amount"><strong>${formatMoney(total)} €</strong></td></tr>
</table>
${s.iban ? `<p>${w.payTo} ${escapeHtml(s.iban)}</p>` : ''}
</body></html>
`;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingDecimal, formatMoney, isDecimalText } from '../billing/money.js';
import { BillType } from '../entities/bills/bill-enums.js';
import { Bill } from '../entities/bills/bill.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { idOf } from '../schema/relay/global-id.js';
import { findBill } from './close-bill.js';

/** What an amendment of each kind of bill is; the other kinds (amendments, proformas) are not amended. */
const AMENDMENT_OF: Partial<Record<BillType, BillType>> = {
  [BillType.INVOICE]: BillType.AMENDMENT_INVOICE,
  [BillType.FEE]: BillType.AMENDMENT_FEE,
};

export interface AmendLineRequest {
  lineId: string;
  /** The correction of the line's net amount (tax base), decimal text with up to 2 places; negative gives back. */
  amount: string;
}

/**
 * An amendment of a closed invoice or fee (inventory §6.5): a new open bill of the amendment kind for the same
 * account, its own numbering series when closed (A, B: src/bills/numbering.ts), one line per amended line that
 * references it and carries the correction — the only lines that may be negative (a check constraint on bill_line
 * says so), never below giving back the amended line's whole net. Closed and rendered like any other bill.
 */
export async function amendBill(em: EntityManager, billId: string, lines: readonly AmendLineRequest[]): Promise<Bill> {
  const amended = await findBill(em, billId, 'input.billId');
  const type = AMENDMENT_OF[amended.type];
  if (!type) throw new UserInputError('input.billId', 'only an invoice or a fee is amended (not an amendment or a proforma)', UserErrorCode.NOT_ALLOWED);
  if (amended.isOpen) throw new UserInputError('input.billId', 'is open: change its lines (undoBilling) instead of amending it', UserErrorCode.NOT_ALLOWED);
  if (lines.length === 0) throw new UserInputError('input.lines', 'name at least one line', UserErrorCode.REQUIRED);
  const ids = lines.map((l, i) => idOf('BillLine', l.lineId, `input.lines.${i}.lineId`));
  const rows: { id: string; description: string; tax_rate: string; start_on: string; end_on: string | null; net: string }[] = await em.execute(
    `select l.id::text, l.description, l.tax_rate::text, l.start_on::text, l.end_on::text,
            (l.subtotal + coalesce((select sum(s.total) from bill_subline s where s.line_id = l.id), 0))::text as net
       from bill_line l where l.bill_id = ? and l.id in (select (jsonb_array_elements_text(?::jsonb))::bigint)`,
    [amended.id, JSON.stringify(ids)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const checked = lines.map((l, i) => {
    const line = byId.get(ids[i]!);
    if (!line || seen.has(line.id)) throw new UserInputError(`input.lines.${i}.lineId`, line ? 'is named twice' : 'is not a line of this bill', UserErrorCode.INVALID);
    seen.add(line.id);
    if (!isDecimalText(l.amount, 2, true) || new BillingDecimal(l.amount).isZero()) {
      throw new UserInputError(`input.lines.${i}.amount`, 'must be a non-zero amount with at most 2 decimal places', UserErrorCode.INVALID);
    }
    const amount = new BillingDecimal(l.amount);
    if (amount.plus(line.net).isNegative()) throw new UserInputError(`input.lines.${i}.amount`, `gives back more than the line's ${line.net}`, UserErrorCode.INVALID);
    return { line, amount: formatMoney(amount) };
  });
  const bill = em.create(Bill, { account: amended.account, type, amendOf: amended, language: amended.language });
  await em.flush();
  await em.execute(
    `insert into bill_line (created_at, updated_at, bill_id, account_id, description, rate, quantity, verbose_quantity, subtotal, tax_rate, start_on, end_on, givers, amended_line_id)
     select now(), now(), ?, ?, v.description, v.amount, 1, '1', v.amount, v.tax_rate, v.start_on, v.end_on, '[]', v.id
       from jsonb_to_recordset(?::jsonb) as v(ord int, id bigint, description text, amount numeric, tax_rate numeric, start_on date, end_on date) order by v.ord`,
    [
      bill.id,
      amended.account.id,
      JSON.stringify(checked.map((c, ord) => ({ ord, id: c.line.id, description: `${amended.number}: ${c.line.description}`.slice(0, 256), amount: c.amount, tax_rate: c.line.tax_rate, start_on: c.line.start_on, end_on: c.line.end_on }))),
    ],
    'run',
  );
  return bill;
}

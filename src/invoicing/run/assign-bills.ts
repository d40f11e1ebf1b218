import { BillType } from '../../entities/bills/bill-enums.js';
import type { ComputedLine } from '../invoicing-types.js';

export interface BillOptions {
  /** A proforma: lines go to the account's open proforma and the orders do not move. */
  proforma: boolean;
  /** A new invoice even when the account has an open one. */
  newOpen: boolean;
}

export interface BillGroup {
  type: BillType;
  /** Add to the account's open bill of this type (a new one if none). */
  reuseOpen: boolean;
  lines: ComputedLine[];
}

/**
 * Which bill each line goes to (inventory §6.5): a proforma's lines to the open proforma; each fee line to a fee bill
 * of its own; the rest to the account's open invoice (unless a new one is asked for). Lines of quantity 0 are left
 * out (their orders still move: there was nothing to charge).
 */
export function assignBills(lines: readonly ComputedLine[], options: BillOptions): BillGroup[] {
  const charged = lines.filter((l) => !l.metric.times(l.size).isZero());
  if (options.proforma) return charged.length ? [{ type: BillType.PROFORMA, reuseOpen: true, lines: charged }] : [];
  const groups: BillGroup[] = charged.filter((l) => l.isFee).map((l) => ({ type: BillType.FEE, reuseOpen: false, lines: [l] }));
  const invoiced = charged.filter((l) => !l.isFee);
  if (invoiced.length) groups.push({ type: BillType.INVOICE, reuseOpen: !options.newOpen, lines: invoiced });
  return groups;
}

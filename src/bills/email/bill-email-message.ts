import { billWords } from '../document/bill-words.js';
import type { BillType } from '../../entities/bills/bill-enums.js';

export interface BillEmailFacts {
  type: BillType;
  number: string;
  language: string;
  closedOn: string;
  dueOn: string | null;
  total: string;
  sellerName: string;
}

/** The subject and text of a bill's e-mail, in the bill's language; the bill itself is the attached PDF. */
export function billEmailMessage(bill: BillEmailFacts): { subject: string; text: string } {
  const w = billWords(bill.language);
  const title = `${w[bill.type]} ${bill.number}`;
  const text = [
    `${bill.sellerName}: ${title}`,
    '',
    `${w.date}: ${bill.closedOn}`,
    ...(bill.dueOn ? [`${w.due}: ${bill.dueOn}`] : []),
    `${w.total}: ${bill.total} EUR`,
    '',
    `(${bill.number}.pdf)`,
    '',
  ].join('\n');
  return { subject: `${bill.sellerName}: ${title}`, text };
}

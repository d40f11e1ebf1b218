import type { Decimal } from 'decimal.js';
import type { SepaCreditor } from '../../config/sepa-settings.js';
import { BillingDecimal } from '../../billing/money.js';
import { el, type XmlNode } from './xml.js';
import { sepaField } from './sepa-text.js';

/** One payment of a SEPA file: a transaction with what its file says about it. */
export interface SepaPayment {
  /** Unique per transaction, up to 35 characters: `<bill number>-<transaction id>`. */
  endToEndId: string;
  /** Positive: a debit's amount or a refund's absolute value. */
  amount: Decimal;
  /** The account holder (the payment source's holder, as stored: written transliterated). */
  name: string;
  iban: string;
  bic: string;
  /** The mandate: one per payment source (the source is the signed mandate), and the day it was recorded. */
  mandateId: string;
  mandateSignedOn: string;
  /** What the payment is for, up to 140 characters: the bill's number. */
  remittance: string;
}

/** A whole file: its message id (unique per creditor), when it was made, the day asked for, who, and the payments. */
export interface SepaFileInput {
  messageId: string;
  createdAt: Date;
  /** YYYY-MM-DD: the collection day of debits, the execution day of credit transfers. */
  requestedOn: string;
  creditor: SepaCreditor;
  payments: SepaPayment[];
}

/** Money as SEPA writes it: two places, a dot, no sign. */
export function sepaAmount(amount: Decimal): string {
  return amount.toFixed(2);
}

/** ISO date-time without fraction or zone (ISODateTime): the UTC time. */
export function sepaDateTime(at: Date): string {
  return at.toISOString().slice(0, 19);
}

/** The number of payments and their control sum, which the group header and the payment block both state. */
export function sepaTotals(payments: readonly SepaPayment[]): { count: string; total: string } {
  const total = payments.reduce((sum, p) => sum.plus(p.amount), new BillingDecimal(0));
  return { count: String(payments.length), total: sepaAmount(total) };
}

/** The group header every SEPA file opens with: the message, when, how many, how much, and who sends it. */
export function sepaGroupHeader(input: SepaFileInput): XmlNode {
  const { count, total } = sepaTotals(input.payments);
  return el('GrpHdr', [
    el('MsgId', sepaField(input.messageId, 35)),
    el('CreDtTm', sepaDateTime(input.createdAt)),
    el('NbOfTxs', count),
    el('CtrlSum', total),
    el('InitgPty', [el('Nm', sepaField(input.creditor.name, 70))]),
  ]);
}

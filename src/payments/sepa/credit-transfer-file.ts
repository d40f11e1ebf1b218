import { el, xmlDocument } from './xml.js';
import { sepaField } from './sepa-text.js';
import { sepaAmount, sepaGroupHeader, sepaTotals, type SepaFileInput } from './sepa-payment.js';

export const CREDIT_TRANSFER_SCHEMA = 'pain.001.001.03';

/**
 * A SEPA credit transfer initiation (pain.001.001.03): the refunds (negative transactions) paid from the creditor's
 * account to each account holder, on the requested day.
 */
export function creditTransferFile(input: SepaFileInput): string {
  const { creditor, payments } = input;
  const { count, total } = sepaTotals(payments);
  const transactions = payments.map((p) =>
    el('CdtTrfTxInf', [
      el('PmtId', [el('EndToEndId', sepaField(p.endToEndId, 35))]),
      el('Amt', [el('InstdAmt', sepaAmount(p.amount), { Ccy: 'EUR' })]),
      el('CdtrAgt', [el('FinInstnId', [el('BIC', p.bic)])]),
      el('Cdtr', [el('Nm', sepaField(p.name, 70))]),
      el('CdtrAcct', [el('Id', [el('IBAN', p.iban)])]),
      el('RmtInf', [el('Ustrd', sepaField(p.remittance, 140))]),
    ]),
  );
  return xmlDocument(
    `urn:iso:std:iso:20022:tech:xsd:${CREDIT_TRANSFER_SCHEMA}`,
    el('CstmrCdtTrfInitn', [
      sepaGroupHeader(input),
      el('PmtInf', [
        el('PmtInfId', sepaField(input.messageId, 35)),
        el('PmtMtd', 'TRF'),
        el('NbOfTxs', count),
        el('CtrlSum', total),
        el('PmtTpInf', [el('SvcLvl', [el('Cd', 'SEPA')])]),
        el('ReqdExctnDt', input.requestedOn),
        el('Dbtr', [el('Nm', sepaField(creditor.name, 70))]),
        el('DbtrAcct', [el('Id', [el('IBAN', creditor.iban)])]),
        el('DbtrAgt', [el('FinInstnId', [el('BIC', creditor.bic)])]),
        el('ChrgBr', 'SLEV'),
        ...transactions,
      ]),
    ]),
  );
}

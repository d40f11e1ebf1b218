import { el, xmlDocument } from './xml.js';
import { sepaField } from './sepa-text.js';
import { sepaAmount, sepaGroupHeader, sepaTotals, type SepaFileInput } from './sepa-payment.js';

export const DIRECT_DEBIT_SCHEMA = 'pain.008.001.02';

/**
 * A SEPA Core direct debit initiation (pain.008.001.02): one payment information block collecting every payment on
 * the requested day into the creditor's account. The sequence type is RCUR for every debit: since the 2016 rulebook
 * a first collection of a mandate may be sent as recurrent, so no mandate history is needed. The creditor identifier
 * is where the rulebook wants it (CdtrSchmeId; the original put it in the initiating party).
 */
export function directDebitFile(input: SepaFileInput): string {
  const { creditor, payments } = input;
  const { count, total } = sepaTotals(payments);
  const transactions = payments.map((p) =>
    el('DrctDbtTxInf', [
      el('PmtId', [el('EndToEndId', sepaField(p.endToEndId, 35))]),
      el('InstdAmt', sepaAmount(p.amount), { Ccy: 'EUR' }),
      el('DrctDbtTx', [el('MndtRltdInf', [el('MndtId', sepaField(p.mandateId, 35)), el('DtOfSgntr', p.mandateSignedOn)])]),
      el('DbtrAgt', [el('FinInstnId', [el('BIC', p.bic)])]),
      el('Dbtr', [el('Nm', sepaField(p.name, 70))]),
      el('DbtrAcct', [el('Id', [el('IBAN', p.iban)])]),
      el('RmtInf', [el('Ustrd', sepaField(p.remittance, 140))]),
    ]),
  );
  return xmlDocument(
    `urn:iso:std:iso:20022:tech:xsd:${DIRECT_DEBIT_SCHEMA}`,
    el('CstmrDrctDbtInitn', [
      sepaGroupHeader(input),
      el('PmtInf', [
        el('PmtInfId', sepaField(input.messageId, 35)),
        el('PmtMtd', 'DD'),
        el('NbOfTxs', count),
        el('CtrlSum', total),
        el('PmtTpInf', [el('SvcLvl', [el('Cd', 'SEPA')]), el('LclInstrm', [el('Cd', 'CORE')]), el('SeqTp', 'RCUR')]),
        el('ReqdColltnDt', input.requestedOn),
        el('Cdtr', [el('Nm', sepaField(creditor.name, 70))]),
        el('CdtrAcct', [el('Id', [el('IBAN', creditor.iban)])]),
        el('CdtrAgt', [el('FinInstnId', [el('BIC', creditor.bic)])]),
        el('ChrgBr', 'SLEV'),
        el('CdtrSchmeId', [el('Id', [el('PrvtId', [el('Othr', [el('Id', creditor.creditorId), el('SchmeNm', [el('Prtry', 'SEPA')])])])])]),
        ...transactions,
      ]),
    ]),
  );
}

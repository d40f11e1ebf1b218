import { BillType } from '../../entities/bills/bill-enums.js';

/** The words of a bill in the languages bills are written in; an account's other language gets English. */
type Words = Record<BillType | 'number' | 'date' | 'due' | 'description' | 'period' | 'quantity' | 'rate' | 'subtotal' | 'taxBase' | 'tax' | 'total' | 'open' | 'PLAN' | 'COMPENSATION' | 'PREPAY' | 'vat' | 'payTo', string>;

const WORDS: Record<'en' | 'es' | 'ca', Words> = {
  en: {
    [BillType.INVOICE]: 'Invoice', [BillType.AMENDMENT_INVOICE]: 'Amendment invoice', [BillType.FEE]: 'Membership fee',
    [BillType.AMENDMENT_FEE]: 'Amendment fee', [BillType.PROFORMA]: 'Pro forma',
    number: 'Number', date: 'Date', due: 'Due', description: 'Description', period: 'Period', quantity: 'Quantity',
    rate: 'Rate', subtotal: 'Subtotal', taxBase: 'Tax base', tax: 'VAT', total: 'Total', open: 'open',
    PLAN: 'Discount per plan', COMPENSATION: 'Compensation', PREPAY: 'Prepaid', vat: 'VAT number', payTo: 'Pay to IBAN',
  },
  es: {
    [BillType.INVOICE]: 'Factura', [BillType.AMENDMENT_INVOICE]: 'Factura rectificativa', [BillType.FEE]: 'Cuota de socio',
    [BillType.AMENDMENT_FEE]: 'Cuota rectificativa', [BillType.PROFORMA]: 'Proforma',
    number: 'Número', date: 'Fecha', due: 'Vencimiento', description: 'Descripción', period: 'Periodo', quantity: 'Cantidad',
    rate: 'Precio', subtotal: 'Subtotal', taxBase: 'Base imponible', tax: 'IVA', total: 'Total', open: 'abierta',
    PLAN: 'Descuento por plan', COMPENSATION: 'Compensación', PREPAY: 'Prepagado', vat: 'NIF', payTo: 'Pagar al IBAN',
  },
  ca: {
    [BillType.INVOICE]: 'Factura', [BillType.AMENDMENT_INVOICE]: 'Factura rectificativa', [BillType.FEE]: 'Quota de soci',
    [BillType.AMENDMENT_FEE]: 'Quota rectificativa', [BillType.PROFORMA]: 'Proforma',
    number: 'Número', date: 'Data', due: 'Venciment', description: 'Descripció', period: 'Període', quantity: 'Quantitat',
    rate: 'Preu', subtotal: 'Subtotal', taxBase: 'Base imposable', tax: 'IVA', total: 'Total', open: 'oberta',
    PLAN: 'Descompte per pla', COMPENSATION: 'Compensació', PREPAY: 'Prepagat', vat: 'NIF', payTo: 'Pagueu a l\'IBAN',
  },
};

export type BillWords = Words;

export function billWords(language: string): BillWords {
  return (WORDS as Record<string, Words | undefined>)[language] ?? WORDS.en;
}

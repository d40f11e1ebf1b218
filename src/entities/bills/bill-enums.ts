/** The kinds of bill (inventory §6.5); each has its number prefix (src/bills/numbering.ts). */
export enum BillType {
  INVOICE = 'INVOICE',
  AMENDMENT_INVOICE = 'AMENDMENT_INVOICE',
  FEE = 'FEE',
  AMENDMENT_FEE = 'AMENDMENT_FEE',
  PROFORMA = 'PROFORMA',
}

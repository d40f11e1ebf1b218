/** How an account pays (inventory §6.6). Cards are a record only: nothing processes them. */
export enum PaymentMethod {
  SEPA_DIRECT_DEBIT = 'SEPA_DIRECT_DEBIT',
  BANK_TRANSFER = 'BANK_TRANSFER',
  CARD = 'CARD',
}

/** A transaction's states, as the original's: waiting processing → waiting execution → executed → secured, or rejected. */
export enum TransactionState {
  WAITING_PROCESSING = 'WAITING_PROCESSING',
  WAITING_EXECUTION = 'WAITING_EXECUTION',
  EXECUTED = 'EXECUTED',
  SECURED = 'SECURED',
  REJECTED = 'REJECTED',
}

/** A process's states, as the original's: created (its file made) → executed (sent to the bank) → committed (the money
 * arrived: its transactions secured), or aborted (its transactions rejected). Committed and aborted are final. */
export enum ProcessState {
  CREATED = 'CREATED',
  EXECUTED = 'EXECUTED',
  ABORTED = 'ABORTED',
  COMMITTED = 'COMMITTED',
}

/** What a process's file asks the bank: to collect debts (SEPA direct debit) or to pay credits and refunds. */
export enum ProcessKind {
  /** pain.008.001.02 */
  DIRECT_DEBIT = 'DIRECT_DEBIT',
  /** pain.001.001.03 */
  CREDIT_TRANSFER = 'CREDIT_TRANSFER',
}

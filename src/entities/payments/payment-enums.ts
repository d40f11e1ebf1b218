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

export enum ProcessState {
  CREATED = 'CREATED',
  EXECUTED = 'EXECUTED',
  ABORTED = 'ABORTED',
  COMMITTED = 'COMMITTED',
}

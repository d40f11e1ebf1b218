import { PaymentMethod, ProcessState, TransactionState } from '../entities/payments/payment-enums.js';

const { WAITING_PROCESSING, WAITING_EXECUTION, EXECUTED, SECURED, REJECTED } = TransactionState;

/**
 * The moves a transaction may make (the original let an admin set any state on any transaction, so a secured payment
 * could become "executed" again when its process was marked). Processing (its SEPA file made) is the only way out of
 * waiting processing but rejection; a bank transfer or card payment waits for execution from the start and may be
 * secured directly when the money is seen. Secured and rejected are final: a rejected one is charged again by a new
 * transaction (reissue), never by reviving it.
 */
const ALLOWED: Record<TransactionState, readonly TransactionState[]> = {
  [WAITING_PROCESSING]: [WAITING_EXECUTION, REJECTED],
  [WAITING_EXECUTION]: [EXECUTED, SECURED, REJECTED],
  [EXECUTED]: [SECURED, REJECTED],
  [SECURED]: [],
  [REJECTED]: [],
};

export function canMove(from: TransactionState, to: TransactionState): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * What marking a whole process does to its transactions: each one that may make the move makes it; the others (already
 * secured or rejected one by one, or already there) are left as they are — the original overwrote them.
 */
export const PROCESS_MARKS: Record<'EXECUTED' | 'SECURED' | 'REJECTED', { process: ProcessState; from: readonly ProcessState[] }> = {
  EXECUTED: { process: ProcessState.EXECUTED, from: [ProcessState.CREATED] },
  SECURED: { process: ProcessState.COMMITTED, from: [ProcessState.CREATED, ProcessState.EXECUTED] },
  REJECTED: { process: ProcessState.ABORTED, from: [ProcessState.CREATED, ProcessState.EXECUTED] },
};

/**
 * A new transaction's state: nothing to pay is secured at once; a SEPA direct debit waits for its file
 * (payments.process); any other way (bank transfer, card, no source) waits for the money, marked by an admin.
 */
export function initialState(method: PaymentMethod | null, amountIsZero: boolean): TransactionState {
  if (amountIsZero) return SECURED;
  return method === PaymentMethod.SEPA_DIRECT_DEBIT ? WAITING_PROCESSING : WAITING_EXECUTION;
}

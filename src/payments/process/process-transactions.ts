import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../../billing/orders/calendar.js';
import { BillingDecimal } from '../../billing/money.js';
import type { SepaCreditor } from '../../config/sepa-settings.js';
import { PaymentMethod, ProcessKind, TransactionState } from '../../entities/payments/payment-enums.js';
import { TransactionProcess } from '../../entities/payments/transaction-process.js';
import { log } from '../../observability/logger.js';
import { bigintArray } from '../../resources/sql-arrays.js';
import { creditTransferFile, CREDIT_TRANSFER_SCHEMA } from '../sepa/credit-transfer-file.js';
import { directDebitFile, DIRECT_DEBIT_SCHEMA } from '../sepa/direct-debit-file.js';
import type { SepaPayment } from '../sepa/sepa-payment.js';
import { validateSepaFile } from '../sepa/validate-sepa-file.js';

/** What one processing did (payments.process's workflow returns it). */
export interface ProcessCounts {
  /** Files made: one per method and kind that had transactions waiting. */
  processes: number;
  transactions: number;
  /** Waiting SEPA transactions left waiting: no creditor configured, no active SEPA source, not in euros. */
  skipped: number;
}

interface WaitingRow {
  id: string;
  amount: string;
  currency: string;
  bill_number: string;
  due_on: string | null;
  source_id: string | null;
  source_active: boolean | null;
  method: PaymentMethod | null;
  holder: string;
  iban: string;
  bic: string;
  mandate_on: string;
}

const FILES = {
  [ProcessKind.DIRECT_DEBIT]: { make: directDebitFile, schema: DIRECT_DEBIT_SCHEMA, name: 'direct-debit' },
  [ProcessKind.CREDIT_TRANSFER]: { make: creditTransferFile, schema: CREDIT_TRANSFER_SCHEMA, name: 'credit-transfer' },
} as const;

/**
 * Processes every SEPA transaction waiting processing, in the caller's transaction (the original's "process"
 * action, on a schedule): debts (amount > 0) into one pain.008.001.02 direct debit file, credits and refunds
 * (amount < 0) into one pain.001.001.03 credit transfer file; each file validated against its XSD before its process
 * is stored, and its transactions then wait for execution in it. The transactions are locked (`skip locked`: two
 * runs at once take disjoint sets) and leave the waiting state in the same commit as their file, so a second run
 * finds nothing to do, and a failure (an invalid file) stores nothing and changes no transaction.
 *
 * Debits are asked for on the latest due day of their bills, and never before the next day; refunds at once.
 */
export async function processWaitingTransactions(em: EntityManager, creditor: SepaCreditor | null, now = new Date()): Promise<ProcessCounts> {
  const rows: WaitingRow[] = await em.execute(
    `select t.id::text, t.amount::text, t.currency, b.number as bill_number, to_char(b.due_on, 'YYYY-MM-DD') as due_on,
            s.id::text as source_id, s.is_active as source_active, s.method, coalesce(s.holder, '') as holder, coalesce(s.iban, '') as iban,
            coalesce(s.bic, '') as bic, to_char(coalesce(s.created_at, t.created_at) at time zone 'UTC', 'YYYY-MM-DD') as mandate_on
       from payment_transaction t join bill b on b.id = t.bill_id left join payment_source s on s.id = t.source_id
      where t.state = ? and (s.method is null or s.method = ?)
      order by t.id
        for update of t skip locked`,
    [TransactionState.WAITING_PROCESSING, PaymentMethod.SEPA_DIRECT_DEBIT],
  );
  const usable = rows.filter((r) => r.method === PaymentMethod.SEPA_DIRECT_DEBIT && r.source_active && r.currency === 'EUR');
  const counts: ProcessCounts = { processes: 0, transactions: 0, skipped: rows.length - usable.length };
  if (!creditor) {
    if (rows.length) log.warn({ waiting: rows.length }, 'SEPA transactions wait: no SEPA creditor configured (ORCHESTRA_SEPA_CREDITOR_*)');
    return { ...counts, skipped: rows.length };
  }
  const today = now.toISOString().slice(0, 10);
  const groups = [
    { kind: ProcessKind.DIRECT_DEBIT, rows: usable.filter((r) => new BillingDecimal(r.amount).isPositive() && !new BillingDecimal(r.amount).isZero()) },
    { kind: ProcessKind.CREDIT_TRANSFER, rows: usable.filter((r) => new BillingDecimal(r.amount).isNegative()) },
  ];
  for (const group of groups) {
    if (!group.rows.length) continue;
    const file = FILES[group.kind];
    const process = em.create(TransactionProcess, { method: PaymentMethod.SEPA_DIRECT_DEBIT, kind: group.kind });
    await em.flush();
    const payments: SepaPayment[] = group.rows.map((r) => ({
      endToEndId: `${r.bill_number}-${r.id}`,
      amount: new BillingDecimal(r.amount).abs(),
      name: r.holder,
      iban: r.iban,
      bic: r.bic,
      mandateId: `ORCHESTRA-MANDATE-${r.source_id}`,
      mandateSignedOn: r.mandate_on,
      remittance: `Bill ${r.bill_number}`,
    }));
    const latestDue = group.rows.map((r) => r.due_on ?? today).reduce((a, b) => (a > b ? a : b));
    const requestedOn = group.kind === ProcessKind.DIRECT_DEBIT ? [latestDue, addDays(today, 1)].reduce((a, b) => (a > b ? a : b)) : today;
    const xml = file.make({ messageId: `ORCHESTRA-${process.id}`, createdAt: now, requestedOn, creditor, payments });
    await validateSepaFile(xml, file.schema);
    process.file = xml;
    process.fileName = `${file.name}-${process.id}.xml`;
    await em.flush();
    await em.execute(
      `update payment_transaction set state = ?, process_id = ?, updated_at = now() where id = any(?::bigint[])`,
      [TransactionState.WAITING_EXECUTION, process.id, bigintArray(group.rows.map((r) => r.id))],
      'run',
    );
    counts.processes += 1;
    counts.transactions += group.rows.length;
  }
  return counts;
}

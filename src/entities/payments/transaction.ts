import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Bill } from '../bills/bill.js';
import { PaymentSource } from './payment-source.js';
import { TransactionProcess } from './transaction-process.js';
import { TransactionState } from './payment-enums.js';

/** A payment of a closed bill (inventory §6.6): its amount (negative: a refund) through a source, and its state. */
@Entity({ tableName: 'payment_transaction' })
export class Transaction extends BaseEntity<'source' | 'process' | 'state' | 'currency' | 'reissueOf'> {
  @ManyToOne(() => Bill, { ref: true, deleteRule: 'restrict' })
  @Index()
  bill!: Ref<Bill>;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  @Index()
  account!: Ref<Account>;

  @ManyToOne(() => PaymentSource, { ref: true, nullable: true, deleteRule: 'set null' })
  source: Ref<PaymentSource> | null = null;

  @ManyToOne(() => TransactionProcess, { ref: true, nullable: true, deleteRule: 'set null' })
  @Index()
  process: Ref<TransactionProcess> | null = null;

  @Enum({ items: () => TransactionState, nativeEnumName: 'transaction_state' })
  @Index()
  state: TransactionState = TransactionState.WAITING_PROCESSING;

  @Property({ type: 'decimal', precision: 14, scale: 2 })
  amount!: string;

  @Property({ length: 3 })
  currency: string = 'EUR';

  /** The rejected transaction this one charges again (src/payments/transaction.use-cases.ts); the old one is kept. */
  @ManyToOne(() => Transaction, { ref: true, nullable: true, deleteRule: 'restrict', unique: true })
  reissueOf: Ref<Transaction> | null = null;
}

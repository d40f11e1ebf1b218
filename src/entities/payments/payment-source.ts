import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { PaymentMethod } from './payment-enums.js';

/**
 * How an account pays its bills: a SEPA mandate (IBAN, BIC and holder's name, validated when saved), a bank transfer,
 * or a card kept as a record. The account's first active source is its default.
 */
@Entity()
export class PaymentSource extends BaseEntity<'isActive' | 'iban' | 'bic' | 'holder' | 'label'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @Enum({ items: () => PaymentMethod, nativeEnumName: 'payment_method' })
  method!: PaymentMethod;

  @Property({ length: 34 })
  iban: string = '';

  @Property({ length: 11 })
  bic: string = '';

  @Property({ length: 70 })
  holder: string = '';

  /** For cards: what identifies it to people ("Visa …4242"); never the number. */
  @Property({ length: 64 })
  label: string = '';

  @Property()
  isActive: boolean = true;
}

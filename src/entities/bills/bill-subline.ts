import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { SublineType } from '../../invoicing/invoicing-types.js';
import { BillLine } from './bill-line.js';

/** A discount on a bill line (negative, cents): a cheaper plan price, a compensation, or what was prepaid. */
@Entity()
export class BillSubline extends BaseEntity {
  @ManyToOne(() => BillLine, { ref: true, deleteRule: 'cascade' })
  @Index()
  line!: Ref<BillLine>;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  @Index()
  account!: Ref<Account>;

  @Enum({ items: () => SublineType, nativeEnumName: 'bill_subline_type' })
  type!: SublineType;

  @Property({ length: 256 })
  description!: string;

  @Property({ type: 'decimal', precision: 14, scale: 2 })
  total!: string;
}

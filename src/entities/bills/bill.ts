import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { BillType } from './bill-enums.js';

/**
 * A bill (inventory §6.5). Open while lines are added (an account's open invoice is reused until closed); closing
 * gives it its gapless number (`<prefix><year><0001>`, src/bills/close-bill.ts), its due date and its frozen
 * document. Totals are never stored: they are computed from the lines and sublines (src/invoicing/totals.ts).
 * Bills are kept when their account goes: an account with bills cannot be deleted.
 */
@Entity()
@Index({ properties: ['account', 'type', 'isOpen'] })
export class Bill extends BaseEntity<'number' | 'amendOf' | 'closedOn' | 'isOpen' | 'isSent' | 'dueOn' | 'comments' | 'html' | 'language'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  @Index()
  account!: Ref<Account>;

  @Enum({ items: () => BillType, nativeEnumName: 'bill_type' })
  type!: BillType;

  /** Given when it is closed; unique. */
  @Property({ length: 32, nullable: true, unique: true })
  number: string | null = null;

  /** The closed invoice or fee an amendment corrects. */
  @ManyToOne(() => Bill, { ref: true, nullable: true, deleteRule: 'restrict' })
  amendOf: Ref<Bill> | null = null;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  closedOn: string | null = null;

  @Property()
  isOpen: boolean = true;

  @Property()
  isSent: boolean = false;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  dueOn: string | null = null;

  @Property({ type: 'text' })
  comments: string = '';

  /** The document as rendered when it was closed (what was sent stays what it shows). */
  @Property({ type: 'text', nullable: true, lazy: true })
  html: string | null = null;

  /** The account's language when the bill was made (its document's language). */
  @Property({ length: 2 })
  language: string = 'en';
}

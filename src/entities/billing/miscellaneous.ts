import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { MiscellaneousKind } from './miscellaneous-kind.js';

/** One billable item of an account (a registered domain, 3 hours of work); a billed model. */
@Entity()
export class Miscellaneous extends BaseEntity<'identifier' | 'description' | 'amount' | 'isActive'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @ManyToOne(() => MiscellaneousKind, { ref: true, deleteRule: 'cascade' })
  @Index()
  kind!: Ref<MiscellaneousKind>;

  /** Unique across accounts, lowercased (a domain name); null when the kind has none. */
  @Property({ length: 256, nullable: true, unique: true })
  identifier: string | null = null;

  @Property({ length: 256 })
  description: string = '';

  @Property({ type: 'integer' })
  amount: number = 1;

  @Property()
  isActive: boolean = true;
}

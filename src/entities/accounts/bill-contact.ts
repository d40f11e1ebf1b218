import type { Ref } from '@mikro-orm/core';
import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from './account.js';

/** Who an account's bills are addressed to. One per account. */
@Entity()
export class BillContact extends BaseEntity<'vat'> {
  @OneToOne(() => Account, { ref: true, owner: true, unique: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ length: 256 })
  name!: string;

  @Property({ type: 'text' })
  address!: string;

  @Property({ length: 128 })
  city!: string;

  @Property({ length: 10 })
  zipcode!: string;

  @Property({ length: 2 })
  country!: string;

  @Property({ length: 64 })
  vat: string = '';
}

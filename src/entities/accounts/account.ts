import { Collection } from '@mikro-orm/core';
import { Entity, Enum, OneToMany, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { AccountType } from './account-type.js';
import { Contact } from './contact.js';

/** A customer of the hosting provider; owns every service object. Its username is also its main system user's. */
@Entity()
export class Account extends BaseEntity<'type' | 'language' | 'isActive' | 'comments' | 'shortName' | 'fullName'> {
  @Property({ length: 32, unique: true })
  username!: string;

  @Enum({ items: () => AccountType, nativeEnumName: 'account_type' })
  type: AccountType = AccountType.INDIVIDUAL;

  /** ISO 639-1 language code for messages and bills. */
  @Property({ length: 2 })
  language: string = 'en';

  @Property()
  isActive: boolean = true;

  @Property({ length: 64 })
  shortName: string = '';

  @Property({ length: 256 })
  fullName: string = '';

  @Property({ type: 'text' })
  comments: string = '';

  @OneToMany(() => Contact, 'account')
  contacts = new Collection<Contact>(this);
}

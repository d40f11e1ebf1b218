import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from './account.js';
import { EmailUsage } from './email-usage.js';

/** A person to reach for an account, and for what (support, billing, ...). */
@Entity()
export class Contact extends BaseEntity<'fullName' | 'emailUsages' | 'phone' | 'phone2' | 'address' | 'city' | 'zipcode' | 'country'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @Property({ length: 128 })
  shortName!: string;

  @Property({ length: 256 })
  fullName: string = '';

  @Property({ length: 254 })
  email!: string;

  @Enum({ items: () => EmailUsage, array: true, nativeEnumName: 'email_usage' })
  emailUsages: EmailUsage[] = Object.values(EmailUsage);

  @Property({ length: 32 })
  phone: string = '';

  @Property({ length: 32 })
  phone2: string = '';

  @Property({ type: 'text' })
  address: string = '';

  @Property({ length: 128 })
  city: string = '';

  @Property({ length: 10 })
  zipcode: string = '';

  /** ISO 3166-1 alpha-2, upper case; empty when no address is given. */
  @Property({ length: 2 })
  country: string = '';
}

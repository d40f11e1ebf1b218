import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Domain } from '../dns/domain.js';

/**
 * A mailing list on Mailman 3: posted to at `addressName@domain` (a domain of its account), administered by
 * `adminEmail`, whose Mailman password is the list's. Its address is its identity on the servers and never changes.
 */
@Entity()
@Unique({ properties: ['addressName', 'domain'] })
export class MailingList extends BaseEntity<'isActive'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** Orchestra's name of the list, unique; its address name unless another is given. */
  @Property({ length: 64, unique: true })
  name!: string;

  /** The local part of its posting address (Mailman's list name). */
  @Property({ length: 64 })
  addressName!: string;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  @Index()
  domain!: Ref<Domain>;

  /** The list's owner on Mailman (receives its -owner mail and moderation requests). */
  @Property({ length: 254 })
  adminEmail!: string;

  /** `$6$…` (SHA-512-crypt, a scheme Mailman's passlib verifies): the owner's Mailman password. Never exposed. */
  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  /** False: posts are refused (Mailman rejects them with a notice to the sender). */
  @Property()
  isActive: boolean = true;
}

import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Domain } from '../dns/domain.js';
import type { Autoresponse } from './autoresponse.js';

/**
 * An e-mail address `name@domain` of an account's domain (`name` '' is the domain's catch-all), delivering into
 * mailboxes of the account and forwarding to other addresses; at least one of the two.
 */
@Entity()
@Unique({ properties: ['name', 'domain'] })
export class Address extends BaseEntity<'mailboxes' | 'forwards' | 'autoresponse'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** The local part, lowercase; '' for the catch-all of the domain. */
  @Property({ length: 64 })
  name!: string;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  @Index()
  domain!: Ref<Domain>;

  /** Names of mailboxes of the same account, sorted. */
  @Property({ type: 'text[]' })
  mailboxes: string[] = [];

  /** E-mail addresses it forwards to, lowercase, sorted. */
  @Property({ type: 'text[]' })
  forwards: string[] = [];

  /** The automatic answer of the address, or null for none. */
  @Property({ type: 'json', nullable: true })
  autoresponse: Autoresponse | null = null;
}

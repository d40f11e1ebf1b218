import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Domain } from './domain.js';

/** One DNS record of a domain (its owner name is the domain's name); written in its top domain's zone. */
@Entity()
export class DomainRecord extends BaseEntity<'ttl'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  @Index()
  domain!: Ref<Domain>;

  /** A, AAAA, CNAME, MX, NS, SRV, TXT or CAA (src/orchestration/backends/dns/dns-record.ts). */
  @Property({ length: 8 })
  type!: string;

  /** Seconds; null: the zone's default TTL. */
  @Property({ type: 'integer', nullable: true })
  ttl: number | null = null;

  /** In its type's normal form (dns-record.ts). */
  @Property({ type: 'text' })
  value!: string;
}

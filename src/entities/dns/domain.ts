import type { Ref } from '@mikro-orm/core';
import { BigIntType } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';

/**
 * A domain name an account has in Orchestra's DNS: a top domain (a zone of its own) or a subdomain, whose records
 * live in its top domain's zone. The name never changes (delete and create instead).
 */
@Entity()
export class Domain extends BaseEntity<'top' | 'serial' | 'refresh' | 'retry' | 'expire' | 'minTtl'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** Punycode, lowercase, no final dot; `*.` first for a wildcard. */
  @Property({ length: 253, unique: true })
  name!: string;

  /**
   * The highest existing domain above this one (whose zone holds this one's records), or null for a top domain.
   * Kept in step by the use cases whenever a domain is added or removed.
   */
  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'set null' })
  @Index()
  top: Ref<Domain> | null = null;

  /** The zone's serial, YYYYMMDDnn; raised on every change of the zone (of its records or its subdomains'). */
  @Property({ type: new BigIntType('number') })
  serial: number = 0;

  /** SOA overrides in seconds; null: the configured value. */
  @Property({ type: 'integer', nullable: true }) refresh: number | null = null;
  @Property({ type: 'integer', nullable: true }) retry: number | null = null;
  @Property({ type: 'integer', nullable: true }) expire: number | null = null;
  @Property({ type: 'integer', nullable: true }) minTtl: number | null = null;
}

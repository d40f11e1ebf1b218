import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { User } from './user.js';

/**
 * A long-lived credential for automation. The secret is shown once at creation; only its SHA-256 is kept
 * (the secret is 256 random bits, so a slow hash adds nothing).
 */
@Entity()
export class ApiToken extends BaseEntity<'lastUsedAt' | 'lastUsedFrom' | 'revokedAt' | 'expiresAt'> {
  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  /** The owner's account, so tokens are scoped like every other account object. */
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ length: 64 })
  name!: string;

  /** The public, non-secret part of the token, shown in listings to tell tokens apart. */
  @Property({ length: 16, unique: true })
  prefix!: string;

  @Property({ length: 64, hidden: true })
  @Index()
  secretHash!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ length: 64, nullable: true })
  lastUsedFrom: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}

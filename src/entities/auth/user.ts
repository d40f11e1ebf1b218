import type { Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';

/**
 * Someone who logs in. Belongs to one account and sees only that account's objects, unless isAdmin
 * (the provider's staff), who see everything.
 */
@Entity()
export class User extends BaseEntity<'isAdmin' | 'isActive' | 'lastLoginAt' | 'passwordHash' | 'sessionGeneration'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ length: 32, unique: true })
  username!: string;

  /** scrypt hash in PHC-like form; null means password login is disabled. Never exposed. */
  @Property({ type: 'text', nullable: true, hidden: true })
  passwordHash: string | null = null;

  @Property()
  isAdmin: boolean = false;

  @Property()
  isActive: boolean = true;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastLoginAt: Date | null = null;

  /**
   * Carried in every session token and compared on each request: raising it ends all the user's sessions at once
   * (password changed, user or account disabled). See src/auth/end-sessions.ts.
   */
  @Property({ hidden: true })
  sessionGeneration: number = 0;
}

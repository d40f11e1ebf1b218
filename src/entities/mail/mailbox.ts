import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { SpamFilter } from './spam-filter.js';

/**
 * A mailbox on the mail servers (Dovecot): a login with its Maildir. Addresses deliver into it; its name is its
 * identity on the servers and never changes.
 */
@Entity()
export class Mailbox extends BaseEntity<'isActive' | 'spamFilter' | 'customSieve'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @Property({ length: 32, unique: true })
  name!: string;

  /** `{SHA512-CRYPT}$6$…`: the scheme Dovecot reads from its passwd-file. Never the password, never exposed. */
  @Property({ type: 'text', hidden: true })
  passwordHash!: string;

  /** False: IMAP/POP login refused; mail is still delivered into it (src/orchestration/backends/dovecot-mailboxes). */
  @Property()
  isActive: boolean = true;

  @Enum({ items: () => SpamFilter, nativeEnumName: 'spam_filter' })
  spamFilter: SpamFilter = SpamFilter.MOVE_TO_SPAM;

  /** The owner's own Sieve script (checked by sievec when saved); null: none. */
  @Property({ type: 'text', nullable: true })
  customSieve: string | null = null;
}

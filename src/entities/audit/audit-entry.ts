import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';

export enum AuditOutcome {
  OK = 'OK',
  REJECTED = 'REJECTED',
  ERROR = 'ERROR',
}

/** One mutation: who did what to which objects, from where, and how it ended. Secrets are never recorded. */
@Entity()
@Index({ properties: ['account', 'createdAt'] })
export class AuditEntry extends BaseEntity<'account' | 'objectIds' | 'changedFields' | 'userId' | 'apiTokenId'> {
  /** The account the change concerns; kept when the account goes (set null), the username stays in accountUsername. */
  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  account: Ref<Account> | null = null;

  @Property({ length: 32, nullable: true })
  accountUsername: string | null = null;

  /** Who: the user, and the API token when the call was made with one. Plain ids so entries outlive them. */
  @Property({ type: 'bigint', nullable: true })
  userId: string | null = null;

  @Property({ length: 32 })
  actor!: string;

  @Property({ type: 'bigint', nullable: true })
  apiTokenId: string | null = null;

  @Property({ length: 64 })
  @Index()
  operation!: string;

  @Property({ type: 'text[]' })
  objectIds: string[] = [];

  @Property({ type: 'text[]' })
  changedFields: string[] = [];

  @Enum({ items: () => AuditOutcome, nativeEnumName: 'audit_outcome' })
  outcome!: AuditOutcome;

  @Property({ length: 64, nullable: true })
  clientAddress: string | null = null;

  @Property({ length: 256, nullable: true })
  userAgent: string | null = null;
}

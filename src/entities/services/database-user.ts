import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { DatabaseType } from './database-type.js';

/** A login on a database server of one engine; databases of the same account and engine list it among their users. */
@Entity()
@Unique({ properties: ['username', 'type'] })
export class DatabaseUser extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** Its identity on the servers: it cannot change. */
  @Property({ length: 32 })
  username!: string;

  @Enum({ items: () => DatabaseType, nativeEnumName: 'database_type' })
  type!: DatabaseType;

  /**
   * What the engine stores, never the password: MariaDB's mysql_native_password hash (`*` + 40 hex digits),
   * PostgreSQL's SCRAM-SHA-256 verifier. Never exposed.
   */
  @Property({ type: 'text', hidden: true })
  passwordHash!: string;
}

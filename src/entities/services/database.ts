import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { DatabaseType } from './database-type.js';

/** A database on the servers its engine's route selects, with the users that may use it. */
@Entity()
@Unique({ properties: ['name', 'type'] })
export class Database extends BaseEntity<'users'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** Its identity on the servers: it cannot change. */
  @Property({ length: 63 })
  name!: string;

  @Enum({ items: () => DatabaseType, nativeEnumName: 'database_type' })
  type!: DatabaseType;

  /**
   * Usernames of DatabaseUsers of the same account and type, in order: the first is the database's owner, the others
   * get read-write access (src/services/databases/database.validation.ts). Never empty.
   */
  @Property({ type: 'text[]' })
  users: string[] = [];
}

import type { Ref } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';

export enum SystemUserShell {
  /** FTP only: no login shell. */
  NOLOGIN = '/dev/null',
  /** SFTP/rsync only. */
  RSSH = '/bin/rssh',
  BASH = '/bin/bash',
}

/** A UNIX user on the servers that the system-users route selects. Each account has a main one, of its own name. */
@Entity()
export class SystemUser extends BaseEntity<'home' | 'shell' | 'groups' | 'isActive' | 'isMain' | 'passwordHash'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @Property({ length: 32, unique: true })
  username!: string;

  /** SHA-512-crypt (`$6$`), what /etc/shadow needs; null: key-based login only. Never exposed. */
  @Property({ type: 'text', nullable: true, hidden: true })
  passwordHash: string | null = null;

  /** Empty: /home/<username>. */
  @Property({ length: 200 })
  home: string = '';

  @Enum({ items: () => SystemUserShell, nativeEnumName: 'system_user_shell' })
  shell: SystemUserShell = SystemUserShell.NOLOGIN;

  /** Usernames of other system users of the same account whose groups this one joins. */
  @Property({ type: 'text[]' })
  groups: string[] = [];

  @Property()
  isActive: boolean = true;

  /** The account's main user: created and deleted with the account. */
  @Property()
  isMain: boolean = false;
}

import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { SystemUser } from './system-user.js';

/** One line of a system user's crontab: a schedule and a command. */
@Entity()
export class Crontab extends BaseEntity<'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek' | 'description' | 'isActive'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** Whose crontab it goes into. */
  @ManyToOne(() => SystemUser, { ref: true, deleteRule: 'cascade' })
  @Index()
  systemUser!: Ref<SystemUser>;

  @Property({ length: 64 }) minute: string = '*';
  @Property({ length: 64 }) hour: string = '*';
  @Property({ length: 64 }) dayOfMonth: string = '*';
  @Property({ length: 64 }) month: string = '*';
  @Property({ length: 64 }) dayOfWeek: string = '*';

  @Property({ type: 'text' })
  command!: string;

  @Property({ length: 256 })
  description: string = '';

  @Property()
  isActive: boolean = true;
}

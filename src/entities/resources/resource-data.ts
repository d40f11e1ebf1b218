import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Resource } from './resource.js';

/**
 * One object's allocation and last computed usage of a resource. Account-owned (tenant scope: an account user sees its
 * own usage only). `limitExceeded` is the state limit actions act on: it changes only on a transition, and the
 * services read it into their snapshots (a system user over its disk allocation has no login shell).
 */
@Entity()
@Unique({ properties: ['resource', 'objectId'] })
@Index({ properties: ['model', 'objectId'] })
export class ResourceData extends BaseEntity<'allocated' | 'used' | 'measuredAt' | 'limitExceeded'> {
  @ManyToOne(() => Resource, { ref: true, deleteRule: 'cascade' })
  resource!: Ref<Resource>;

  @Property({ length: 32 })
  model!: string;

  @Property({ type: 'bigint' })
  objectId!: string;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  /** In the resource's unit; null: the resource's default. */
  @Property({ type: 'double', nullable: true })
  allocated: number | null = null;

  /** In the resource's unit (raw / scale); null until measured. */
  @Property({ type: 'double', nullable: true })
  used: number | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  measuredAt: Date | null = null;

  @Property()
  limitExceeded: boolean = false;
}

import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Plan } from './plan.js';

/** An account's contract of a plan; a billed model too (a service on it bills plan fees). */
@Entity()
export class ContractedPlan extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @ManyToOne(() => Plan, { ref: true, deleteRule: 'cascade' })
  @Index()
  plan!: Ref<Plan>;
}

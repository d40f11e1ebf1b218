import type { Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Plan } from './plan.js';
import { Service } from './service.js';

/** From unit `quantity` on, under `plan`, a unit of `service` costs `price` (src/billing/rating). */
@Entity()
@Unique({ properties: ['service', 'plan', 'quantity'] })
export class Rate extends BaseEntity {
  @ManyToOne(() => Service, { ref: true, deleteRule: 'cascade' })
  service!: Ref<Service>;

  @ManyToOne(() => Plan, { ref: true, deleteRule: 'cascade', index: true })
  plan!: Ref<Plan>;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'decimal', precision: 16, scale: 4 })
  price!: string;
}

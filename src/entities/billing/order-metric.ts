import type { Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Order } from './order.js';

/**
 * An order's metric from a day on (inventory §6.2 MetricStorage): at most one row per order and day; a new day's row
 * only when the value changed by more than the threshold or dropped to zero (src/billing/orders/metric-storage.ts).
 * `updatedAt` says when the value was last seen.
 */
@Entity()
@Unique({ properties: ['order', 'createdOn'] })
export class OrderMetric extends BaseEntity {
  @ManyToOne(() => Order, { ref: true, deleteRule: 'cascade' })
  order!: Ref<Order>;

  @Property({ type: 'decimal', precision: 20, scale: 3 })
  value!: string;

  @Property({ columnType: 'date', type: 'string' })
  createdOn!: string;
}

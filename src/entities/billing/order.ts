import type { Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Service } from './service.js';

/**
 * What an account is billed for: one object under one service (inventory §6.2). Written by the order collector in the
 * transaction that changed the object (src/billing/orders/order-collector.ts); at most one active (not cancelled)
 * order per (service, model, object) — a partial unique index. Dates are calendar days (UTC), 'YYYY-MM-DD'.
 * Invoicing sets billedOn, billedUntil and billedMetric.
 */
@Entity({ tableName: 'billing_order' })
@Index({ properties: ['model', 'objectId'] })
@Unique({
  name: 'billing_order_active_unique',
  expression: 'create unique index "billing_order_active_unique" on "billing_order" ("service_id", "model", "object_id") where "cancelled_on" is null',
})
export class Order extends BaseEntity<'cancelledOn' | 'billedOn' | 'billedUntil' | 'billedMetric' | 'ignore' | 'description' | 'metric'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  @Index()
  account!: Ref<Account>;

  @ManyToOne(() => Service, { ref: true, deleteRule: 'cascade' })
  @Index()
  service!: Ref<Service>;

  @Property({ length: 64 })
  model!: string;

  @Property({ type: 'bigint' })
  objectId!: string;

  /** The object as it was last seen ("alice", "alice: backup.sh"), kept after it is deleted. */
  @Property({ length: 256 })
  objectLabel!: string;

  @Property({ columnType: 'date', type: 'string' })
  registeredOn!: string;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  cancelledOn: string | null = null;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  billedOn: string | null = null;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  billedUntil: string | null = null;

  @Property({ type: 'decimal', precision: 20, scale: 3, nullable: true })
  billedMetric: string | null = null;

  /** The metric's latest value (its history is OrderMetric); null for a service without metric. */
  @Property({ type: 'decimal', precision: 20, scale: 3, nullable: true })
  metric: string | null = null;

  /** Never billed: cancelled inside the service's ignore period, or of an account type the service does not bill. */
  @Property()
  ignore: boolean = false;

  @Property({ length: 256 })
  description: string = '';
}

import type { Ref } from '@mikro-orm/core';
import { Check, Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { Account } from '../accounts/account.js';
import { Order } from '../billing/order.js';
import { Bill } from './bill.js';

/**
 * One line of a bill: an order billed over [startOn, endOn) (endOn null for one-time services). `subtotal` is
 * rate × quantity in cents; discounts are its sublines. The order's billing state before this line is kept, so undo
 * restores it exactly (and the givers whose prepaid time the line's compensation used). `account` is the bill's,
 * so account users see their own lines (src/auth/tenant-scope.ts). Only a line of an amendment (which references
 * the line it amends) may be negative.
 */
@Entity()
@Check({ name: 'bill_line_negative_only_amending', expression: '(subtotal >= 0 and rate >= 0) or amended_line_id is not null' })
export class BillLine extends BaseEntity<'order' | 'endOn' | 'orderBilledOn' | 'orderBilledUntil' | 'orderBilledMetric' | 'givers' | 'amendedLine'> {
  @ManyToOne(() => Bill, { ref: true, deleteRule: 'cascade' })
  @Index()
  bill!: Ref<Bill>;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  @Index()
  account!: Ref<Account>;

  @ManyToOne(() => Order, { ref: true, nullable: true, deleteRule: 'set null' })
  @Index()
  order: Ref<Order> | null = null;

  @Property({ length: 256 })
  description!: string;

  /** The unit price (the service's nominal price). */
  @Property({ type: 'decimal', precision: 16, scale: 4 })
  rate!: string;

  /** metric × size. */
  @Property({ type: 'decimal', precision: 24, scale: 5 })
  quantity!: string;

  /** How the quantity came about: "3 × 0.5". */
  @Property({ length: 64 })
  verboseQuantity!: string;

  @Property({ type: 'decimal', precision: 14, scale: 2 })
  subtotal!: string;

  @Property({ type: 'decimal', precision: 5, scale: 2 })
  taxRate!: string;

  @Property({ columnType: 'date', type: 'string' })
  startOn!: string;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  endOn: string | null = null;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  orderBilledOn: string | null = null;

  @Property({ columnType: 'date', type: 'string', nullable: true })
  orderBilledUntil: string | null = null;

  @Property({ type: 'decimal', precision: 20, scale: 3, nullable: true })
  orderBilledMetric: string | null = null;

  /** [{ orderId, billedUntil }]: cancelled orders whose prepaid time compensated this line, as they were. */
  @Property({ type: 'json' })
  givers: { orderId: string; billedUntil: string }[] = [];

  // Indexed: deleting a line sets its amendments' reference to null, which without the index scans every line per line.
  @Index()
  @ManyToOne(() => BillLine, { ref: true, nullable: true, deleteRule: 'set null' })
  amendedLine: Ref<BillLine> | null = null;
}

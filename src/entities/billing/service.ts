import { Collection } from '@mikro-orm/core';
import { Entity, Enum, OneToMany, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { RateAlgorithm } from '../../billing/rating/rate-algorithm.js';
import { BillingPeriod, BillingPoint, IgnorePeriod, OnCancel, PaymentStyle, PricingPeriod } from './billing-enums.js';
import { Rate } from './rate.js';

/**
 * A billing rule (inventory §6.1): which objects of a model are billed (its match), by what metric, how often and at
 * what price. Orders (src/billing/orders/) keep one order per matching object. Admin only.
 */
@Entity()
export class Service extends BaseEntity<
  | 'match' | 'metric' | 'isActive' | 'periodicUpdate' | 'billingPeriod' | 'billingPoint' | 'paymentStyle' | 'pricingPeriod'
  | 'rateAlgorithm' | 'taxRate' | 'onCancel' | 'ignorePeriod' | 'isFee' | 'ignoredAccountTypes' | 'orderDescription'
> {
  @Property({ length: 256, unique: true })
  description!: string;

  /** The billed model: a service model (`SystemUser`, `Crontab`…), `Account`, `ContractedPlan` or `Miscellaneous`. */
  @Property({ length: 64, index: true })
  model!: string;

  /** A condition over the object (src/billing/expressions); empty: every object. */
  @Property({ type: 'text' })
  match: string = '';

  /** A number from the object (src/billing/expressions); empty: no metric (priced per order). */
  @Property({ type: 'text' })
  metric: string = '';

  @Property()
  isActive: boolean = true;

  /** Re-evaluated daily by the `orders-update` schedule (for expressions that read other rows, e.g. resources). */
  @Property()
  periodicUpdate: boolean = false;

  @Enum({ items: () => BillingPeriod, nativeEnumName: 'billing_period' })
  billingPeriod: BillingPeriod = BillingPeriod.ANNUAL;

  @Enum({ items: () => BillingPoint, nativeEnumName: 'billing_point' })
  billingPoint: BillingPoint = BillingPoint.ON_FIXED_DATE;

  @Enum({ items: () => PaymentStyle, nativeEnumName: 'payment_style' })
  paymentStyle: PaymentStyle = PaymentStyle.PREPAY;

  @Enum({ items: () => PricingPeriod, nativeEnumName: 'pricing_period' })
  pricingPeriod: PricingPeriod = PricingPeriod.BILLING_PERIOD;

  @Enum({ items: () => RateAlgorithm, nativeEnumName: 'rate_algorithm' })
  rateAlgorithm: RateAlgorithm = RateAlgorithm.STEP_PRICE;

  /** Price of one unit per pricing period, up to 4 places (src/billing/money.ts). */
  @Property({ type: 'decimal', precision: 16, scale: 4 })
  nominalPrice!: string;

  /** Percent, e.g. "21.00". */
  @Property({ type: 'decimal', precision: 5, scale: 2 })
  taxRate: string = '0.00';

  @Enum({ items: () => OnCancel, nativeEnumName: 'on_cancel' })
  onCancel: OnCancel = OnCancel.DISCOUNT;

  @Enum({ items: () => IgnorePeriod, nativeEnumName: 'ignore_period' })
  ignorePeriod: IgnorePeriod = IgnorePeriod.TEN_DAYS;

  /** Billed as a membership fee (each line on a fee bill of its own). */
  @Property()
  isFee: boolean = false;

  /** Account types whose orders are created ignored (AccountType values). */
  @Property({ type: 'text[]' })
  ignoredAccountTypes: string[] = ['STAFF', 'FRIEND'];

  /** The order's description: text with `{field}` placeholders; empty: "<description>: <object>". */
  @Property({ length: 256 })
  orderDescription: string = '';

  @OneToMany(() => Rate, 'service')
  rates = new Collection<Rate>(this);
}

import type { Decimal } from 'decimal.js';
import type { BillingPeriod, BillingPoint, OnCancel, PaymentStyle, PricingPeriod } from '../entities/billing/billing-enums.js';
import type { RateAlgorithm } from '../billing/rating/rate-algorithm.js';
import type { PlanRates } from '../billing/rating/rate-types.js';

/**
 * Plain data in, plain data out: invoicing (inventory §6.3) reads nothing and writes nothing itself, so every scenario
 * is a fixture with a fixed `today`. src/invoicing/run/ reads these from the database and writes the result.
 */
export interface InvoicingService {
  id: string;
  billingPeriod: BillingPeriod;
  billingPoint: BillingPoint;
  paymentStyle: PaymentStyle;
  pricingPeriod: PricingPeriod;
  onCancel: OnCancel;
  rateAlgorithm: RateAlgorithm;
  nominalPrice: Decimal;
  taxRate: Decimal;
  /** Whether the service has a metric expression (priced per unit of its metric) or is priced per order. */
  hasMetric: boolean;
  isFee: boolean;
}

/** One day's metric value from the order's history (OrderMetric), oldest first. */
export interface MetricPoint {
  day: string;
  value: Decimal;
  /** The last day the value was seen (OrderMetric.updatedAt); default its day. */
  seenOn?: string;
}

export interface InvoicingOrder {
  id: string;
  registeredOn: string;
  cancelledOn: string | null;
  billedOn: string | null;
  billedUntil: string | null;
  billedMetric: Decimal | null;
  metrics: MetricPoint[];
  description: string;
}

export interface BillingOptions {
  /** The day invoicing bills up to: a billing point is derived from it per order unless `fixedPoint`. */
  billingPoint: string;
  fixedPoint: boolean;
  /** Today (the clock, fixed in tests): the billing day of the lines and the day metrics are read at. */
  today: string;
}

/** The discounts a line may carry (the original declared other types than it wrote; these are the ones written). */
export enum SublineType {
  PLAN = 'PLAN',
  COMPENSATION = 'COMPENSATION',
  PREPAY = 'PREPAY',
}

export interface ComputedSubline {
  type: SublineType;
  /** Negative, in cents. */
  total: Decimal;
}

export interface ComputedLine {
  orderId: string;
  description: string;
  /** [startOn, endOn); endOn null for a one-time service. */
  startOn: string;
  endOn: string | null;
  /** The pro-rata size (2 places) and the metric: quantity = metric × size. */
  size: Decimal;
  metric: Decimal;
  /** The service's nominal price per unit and period (the line's rate). */
  rate: Decimal;
  /** nominal × size × metric, in cents. */
  subtotal: Decimal;
  sublines: ComputedSubline[];
  taxRate: Decimal;
  isFee: boolean;
  /** Cancelled orders whose prepaid time this line's compensation used, with their billedUntil before (for undo). */
  givers: { orderId: string; billedUntil: string }[];
}

/** What billing changes on an order, with what it was before (kept on the line, for undo). */
export interface OrderBilling {
  orderId: string;
  /** Billed now (billedOn becomes today); false for a giver, whose billedUntil only moves back. */
  billed: boolean;
  billedUntil: string | null;
  billedMetric: Decimal | null;
  before: { billedOn: string | null; billedUntil: string | null; billedMetric: Decimal | null };
}

export interface InvoicingResult {
  lines: ComputedLine[];
  /** Orders whose billing moved: the billed ones, and givers whose prepaid time was handed to another order. */
  orders: OrderBilling[];
}

export interface AccountServiceInput {
  service: InvoicingService;
  /** The account's rates for the service (src/billing/rating/account-rates.ts); empty: the nominal price. */
  rates: PlanRates[];
  /** Every not-ignored order of the account under the service (givers and pricing orders are found among them). */
  orders: InvoicingOrder[];
  /** Which of them to bill; undefined: all. */
  billIds?: ReadonlySet<string>;
}

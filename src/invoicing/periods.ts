import type { Decimal } from 'decimal.js';
import { addMonths } from '../billing/orders/calendar.js';
import { BillingDecimal } from '../billing/money.js';
import { BillingPeriod, BillingPoint, OnCancel, PaymentStyle, PricingPeriod } from '../entities/billing/billing-enums.js';
import { calendarDifference, dayFrom, daysInMonth, isLeapYear, parts } from './days.js';
import type { BillingOptions, InvoicingOrder, InvoicingService } from './invoicing-types.js';

/** Annual services on a fixed date are billed from 1 January. */
export const ANNUAL_BILLING_MONTH = 1;

/** Sizes are rounded to 2 places, half away from zero (the original's `round(size, 2)`; money is rounded later). */
export const SIZE_PLACES = 2;

/** The window a metric is rated over; BILLING_PERIOD is the billing period's (NEVER for one-time services). */
export function effectivePricingPeriod(service: Pick<InvoicingService, 'pricingPeriod' | 'billingPeriod'>): PricingPeriod {
  if (service.pricingPeriod !== PricingPeriod.BILLING_PERIOD) return service.pricingPeriod;
  if (service.billingPeriod === BillingPeriod.MONTHLY) return PricingPeriod.MONTHLY;
  if (service.billingPeriod === BillingPeriod.ANNUAL) return PricingPeriod.ANNUAL;
  return PricingPeriod.NEVER;
}

/** One pricing period later (or earlier, with a negative count). */
export function addPricingPeriods(day: string, period: PricingPeriod, count: number): string {
  if (period === PricingPeriod.MONTHLY) return addMonths(day, count);
  if (period === PricingPeriod.ANNUAL) return addMonths(day, 12 * count);
  throw new Error(`no pricing period to step by: ${period}`);
}

/**
 * How many billing periods [ini, end) is: monthly (or annual prepaid at a monthly price) months + days over the end
 * month's days; annual years + months/12 + days/365 or 366 (the end's year); one-time 1.
 */
export function priceSize(service: InvoicingService, ini: string, end: string): Decimal {
  if (service.billingPeriod === BillingPeriod.ONE_TIME) return new BillingDecimal(1);
  if (end <= ini) return new BillingDecimal(0);
  const diff = calendarDifference(ini, end);
  const { y, m } = parts(end);
  const annualPrepayOfMonthlyPricing = service.billingPeriod === BillingPeriod.ANNUAL && service.paymentStyle === PaymentStyle.PREPAY && effectivePricingPeriod(service) === PricingPeriod.MONTHLY;
  let size: Decimal;
  if (service.billingPeriod === BillingPeriod.MONTHLY || annualPrepayOfMonthlyPricing) {
    size = new BillingDecimal(diff.years * 12 + diff.months).plus(new BillingDecimal(diff.days).dividedBy(daysInMonth(y, m)));
  } else {
    size = new BillingDecimal(diff.years).plus(new BillingDecimal(diff.months).dividedBy(12)).plus(new BillingDecimal(diff.days).dividedBy(isLeapYear(y) ? 366 : 365));
  }
  return size.toDecimalPlaces(SIZE_PLACES, BillingDecimal.ROUND_HALF_UP);
}

/**
 * The day an order is billed up to (inventory §6.3). A fixed point is taken as given. Otherwise the service's next
 * point from the given day: monthly on day 1 (fixed date) or the registration's day, the next month for prepay, this
 * month for postpay; annual on 1 January (fixed date) or the registration's anniversary, the next one for prepay (as
 * the original), for postpay the last one on or before the given day (the original subtracted a relativedelta from an
 * int there and crashed); one-time the registration day. A cancellation before it (unless the service gives nothing
 * back on cancel) ends it there.
 */
export function billingPointOf(service: InvoicingService, order: InvoicingOrder, options: BillingOptions): string {
  let bp = options.billingPoint;
  if (!options.fixedPoint) bp = nextBillingPoint(service, order, bp);
  if (service.onCancel !== OnCancel.NOTHING && order.cancelledOn && order.cancelledOn < bp) bp = order.cancelledOn;
  return bp;
}

function nextBillingPoint(service: InvoicingService, order: InvoicingOrder, given: string): string {
  const registered = parts(order.registeredOn);
  const onRegister = service.billingPoint === BillingPoint.ON_REGISTER;
  if (service.billingPeriod === BillingPeriod.MONTHLY) {
    const month = parts(service.paymentStyle === PaymentStyle.PREPAY ? addMonths(given, 1) : given);
    return dayFrom(month.y, month.m, onRegister ? registered.d : 1);
  }
  if (service.billingPeriod === BillingPeriod.ANNUAL) {
    const month = onRegister ? registered.m : ANNUAL_BILLING_MONTH;
    const day = onRegister ? registered.d : 1;
    const g = parts(given);
    if (service.paymentStyle === PaymentStyle.PREPAY) return dayFrom(g.m >= month ? g.y + 1 : g.y, month, day);
    const thisYear = dayFrom(g.y, month, day);
    return thisYear <= given ? thisYear : dayFrom(g.y - 1, month, day);
  }
  return order.registeredOn;
}

/**
 * The pricing slots covering [ini, end): months or years aligned to the billing point (day 1 / 1 January, or the
 * registration's day and month), the first one starting on or before `ini`.
 */
export function pricingSlots(service: InvoicingService, ini: string, end: string, registeredOn: string): [string, string][] {
  const period = effectivePricingPeriod(service);
  if (period === PricingPeriod.NEVER) return [[ini, end]];
  const onRegister = service.billingPoint === BillingPoint.ON_REGISTER;
  const r = parts(registeredOn);
  const i = parts(ini);
  let start = period === PricingPeriod.MONTHLY ? dayFrom(i.y, i.m, onRegister ? r.d : 1) : dayFrom(i.y, onRegister ? r.m : ANNUAL_BILLING_MONTH, onRegister ? r.d : 1);
  if (start > ini) start = addPricingPeriods(start, period, -1);
  const slots: [string, string][] = [];
  for (;;) {
    const next = addPricingPeriods(start, period, 1);
    slots.push([start, next]);
    if (next >= end) return slots;
    start = next;
  }
}

import { IgnorePeriod } from '../../entities/billing/billing-enums.js';

/** Billing works in calendar days, UTC, written 'YYYY-MM-DD' (as PostgreSQL's `date` columns give them). */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function parse(day: string): { y: number; m: number; d: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

function format(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const { y, m, d } = parse(day);
  return format(y, m, d + days);
}

/** The same day `months` later; past the end of a shorter month, its last day (31 January + 1 month = 28/29 February). */
export function addMonths(day: string, months: number): string {
  const { y, m, d } = parse(day);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return format(y, m + months, Math.min(d, lastDay));
}

/**
 * The first day an order registered on `registeredOn` is no longer in its trial: a cancellation BEFORE that day marks
 * it ignored. NEVER: the registration day itself (no trial). ONE_MONTH is a calendar month (the original built a
 * `timedelta(months=1)`, which Python refuses: every cancellation of such a service crashed).
 */
export function ignorePeriodEnd(registeredOn: string, period: IgnorePeriod): string {
  switch (period) {
    case IgnorePeriod.NEVER:
      return registeredOn;
    case IgnorePeriod.ONE_DAY:
      return addDays(registeredOn, 1);
    case IgnorePeriod.TWO_DAYS:
      return addDays(registeredOn, 2);
    case IgnorePeriod.TEN_DAYS:
      return addDays(registeredOn, 10);
    case IgnorePeriod.ONE_MONTH:
      return addMonths(registeredOn, 1);
  }
}

/** Whether a cancellation on `cancelledOn` falls inside the ignore period of an order registered on `registeredOn`. */
export function cancelledInIgnorePeriod(registeredOn: string, cancelledOn: string, period: IgnorePeriod): boolean {
  return cancelledOn < ignorePeriodEnd(registeredOn, period);
}

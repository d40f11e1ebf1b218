import { addMonths } from '../billing/orders/calendar.js';

/**
 * Calendar arithmetic for invoicing over days written 'YYYY-MM-DD' (UTC, as PostgreSQL's `date` columns give them):
 * such strings compare as text in calendar order. Intervals are half-open, [ini, end).
 */
export const FAR_FUTURE = '9999-12-31';

export function parts(day: string): { y: number; m: number; d: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

export function dayFrom(y: number, m: number, d: number): string {
  // The day is clamped to the month's end: a registration on the 31st bills on the 30th in a shorter month.
  const last = daysInMonth(y, m);
  return new Date(Date.UTC(y, m - 1, Math.min(d, last))).toISOString().slice(0, 10);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function isLeapYear(y: number): boolean {
  return daysInMonth(y, 2) === 29;
}

export function daysBetween(ini: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${ini}T00:00:00Z`)) / 86_400_000);
}

export function minDay(...days: string[]): string {
  return days.reduce((a, b) => (b < a ? b : a));
}

export function maxDay(...days: string[]): string {
  return days.reduce((a, b) => (b > a ? b : a));
}

/** Whole years, months and days from `ini` to `end` (end ≥ ini), as a calendar counts them (dateutil's relativedelta). */
export function calendarDifference(ini: string, end: string): { years: number; months: number; days: number } {
  const a = parts(ini);
  const b = parts(end);
  let months = (b.y - a.y) * 12 + (b.m - a.m);
  if (addMonths(ini, months) > end) months--;
  const days = daysBetween(addMonths(ini, months), end);
  return { years: Math.trunc(months / 12), months: months % 12, days };
}

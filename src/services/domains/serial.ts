/**
 * Zone serials, YYYYMMDDnn (RFC 1912 §2.2): raised on every change of a zone, never lowered. The first change of a
 * day takes that day's 01; later ones add one. Past 99 changes in a day the serial simply goes on (tomorrow's
 * numbers, then further): slaves compare serials, not dates, and a serial that went backwards would stop every
 * transfer, which is what django-orchestra's "more than 99 changes" error only ever protected against.
 */
export function nextSerial(current: number, now: Date = new Date()): number {
  const today = now.getUTCFullYear() * 1_000_000 + (now.getUTCMonth() + 1) * 10_000 + now.getUTCDate() * 100;
  return Math.max(today + 1, current + 1);
}

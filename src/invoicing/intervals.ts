import { daysBetween, maxDay, minDay } from './days.js';

/** A half-open stretch of days [ini, end), optionally the prepaid unused time of a giver order. */
export interface Interval {
  ini: string;
  end: string;
  giverId?: string;
}

export function lengthOf(i: Interval): number {
  return Math.max(daysBetween(i.ini, i.end), 0);
}

export function intersect(a: Interval, b: Interval): Interval | null {
  const result = { ini: maxDay(a.ini, b.ini), end: minDay(a.end, b.end), giverId: a.giverId };
  return lengthOf(result) > 0 ? result : null;
}

/** `a` without `b`: none, one or two pieces. */
export function subtract(a: Interval, b: Interval): Interval[] {
  if (!intersect(a, b)) return [a];
  const pieces: Interval[] = [];
  if (a.ini < b.ini) pieces.push({ ...a, end: b.ini });
  if (a.end > b.end) pieces.push({ ...a, ini: b.end });
  return pieces;
}

function overlapDays(compensation: Interval, intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + lengthOf(intersect(compensation, i) ?? { ini: i.ini, end: i.ini }), 0);
}

/**
 * Hands prepaid unused time (`compensations`) to the stretch a receiver is billed for (inventory §6.3, the original's
 * `helpers.compensate`): the compensation that overlaps the still uncovered part most goes first, then the next
 * largest against what is left, until none overlaps. Returns the pieces used and what remains of each compensation
 * (unlike the original, a compensation applied against several pieces leaves only what none of them used).
 */
export function compensate(receiver: Interval, compensations: readonly Interval[]): { used: Interval[]; remaining: Interval[] } {
  let uncovered: Interval[] = [receiver];
  let pending = [...compensations];
  const used: Interval[] = [];
  const remaining: Interval[] = [];
  for (;;) {
    let best = -1;
    let bestDays = 0;
    pending.forEach((c, k) => {
      const days = overlapDays(c, uncovered);
      if (days > bestDays) {
        best = k;
        bestDays = days;
      }
    });
    if (best < 0) break;
    const compensation = pending[best]!;
    pending = pending.filter((_, k) => k !== best);
    let left: Interval[] = [compensation];
    for (const piece of uncovered) {
      const applied = intersect(compensation, piece);
      if (applied) used.push(applied);
      left = left.flatMap((l) => subtract(l, piece));
    }
    remaining.push(...left);
    uncovered = uncovered.flatMap((piece) => subtract(piece, compensation));
  }
  return { used, remaining: [...remaining, ...pending] };
}

/** An order as the concurrent timeline sees it: in effect over [registeredOn, billedUntil). */
export interface TimelineOrder {
  id: string;
  registeredOn: string;
  billedUntil: string | null;
}

/**
 * [ini, end) cut into chunks over which the same orders are in effect, each chunk with them in the given order
 * (the original's `get_chunks`): the n-th order of a chunk pays the rate of position n.
 */
export function chunks<T extends TimelineOrder>(orders: readonly T[], ini: string, end: string, from = 0): { ini: string; end: string; orders: T[] }[] {
  if (from >= orders.length) return [{ ini, end, orders: [] }];
  const order = orders[from]!;
  const bu = order.billedUntil;
  if (!bu || bu <= ini || order.registeredOn >= end) return chunks(orders, ini, end, from + 1);
  const result: { ini: string; end: string; orders: T[] }[] = [];
  if (order.registeredOn > ini) {
    result.push(...chunks(orders, ini, order.registeredOn, from + 1));
    ini = order.registeredOn;
  }
  if (bu < end) {
    result.push(...chunks(orders, bu, end, from + 1));
    end = bu;
  }
  for (const chunk of chunks(orders, ini, end, from + 1)) result.push({ ...chunk, orders: [order, ...chunk.orders] });
  return result.sort((a, b) => (a.ini < b.ini ? -1 : a.ini > b.ini ? 1 : 0));
}

import type { Decimal } from 'decimal.js';
import type { MetricPoint } from './invoicing-types.js';

/**
 * An order's metric history read the ways invoicing needs (the same rules as src/billing/orders/metric-storage.ts,
 * over the rows already loaded): points are one per day, oldest first.
 */
export function metricAt(points: readonly MetricPoint[], day: string): Decimal | null {
  let value: Decimal | null = null;
  for (const p of points) {
    if (p.day > day) break;
    value = p.value;
  }
  return value;
}

/**
 * A pricing slot's metric (traffic): the latest value kept before the slot's end and still seen in it (a value no
 * longer reported since before the slot is not the slot's); null when none.
 */
export function metricIn(points: readonly MetricPoint[], from: string, to: string): Decimal | null {
  return points.filter((p) => p.day < to && (p.seenOn ?? p.day) >= from).at(-1)?.value ?? null;
}

/** The stretches of [from, to) over which the metric stood still, in order (none before its first value). */
export function metricChanges(points: readonly MetricPoint[], from: string, to: string): { ini: string; end: string; value: Decimal }[] {
  const start = metricAt(points, from);
  const later = points.filter((p) => p.day > from && p.day < to);
  const all = [...(start ? [{ day: from, value: start }] : []), ...later];
  return all.map((p, i) => ({ ini: p.day, end: all[i + 1]?.day ?? to, value: p.value }));
}

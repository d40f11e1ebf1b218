/**
 * How a resource turns monitor samples into one "used" value (django-orchestra's aggregation plugins, §5), pure.
 * A series is the samples of one monitor for one object; a roll-up (an account's disk) has several series, and the
 * resource's usage is the sum over them.
 *
 * - last: the latest value of each series.
 * - monthly-sum: the values taken since the start of the current month (UTC), summed (traffic: each sample is what
 *   was used since the run before).
 * - monthly-avg and last-n-days-avg: time-weighted averages over the window (since the month started, or the last N
 *   days): a sample's value holds from its time until the next sample (or now), so samples taken at irregular times
 *   weigh by how long they held; the value at the window's start is the last sample before it, and time before any
 *   sample is left out of the average.
 */

export enum Aggregation {
  LAST = 'last',
  MONTHLY_SUM = 'monthly-sum',
  MONTHLY_AVG = 'monthly-avg',
  LAST_N_DAYS_AVG = 'last-n-days-avg',
}

export interface Sample {
  at: Date;
  value: number;
}

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** The oldest sample an aggregation reads (a query bound); for time-weighted ones the sample before it counts too. */
export function windowStart(aggregation: Aggregation, now: Date, days: number): Date | null {
  switch (aggregation) {
    case Aggregation.LAST:
      return null;
    case Aggregation.MONTHLY_SUM:
    case Aggregation.MONTHLY_AVG:
      return monthStart(now);
    case Aggregation.LAST_N_DAYS_AVG:
      return new Date(now.getTime() - days * 86_400_000);
  }
}

/** Time-weighted average of one series over [from, now]; null when no sample holds in it. */
export function timeWeightedAverage(samples: readonly Sample[], from: Date, now: Date): number | null {
  const sorted = [...samples].sort((a, b) => a.at.getTime() - b.at.getTime());
  const start = from.getTime();
  const end = now.getTime();
  let area = 0;
  let covered = 0;
  for (const [i, sample] of sorted.entries()) {
    const next = i + 1 < sorted.length ? sorted[i + 1]!.at.getTime() : end;
    const a = Math.max(sample.at.getTime(), start);
    const b = Math.min(next, end);
    if (b <= a) continue;
    area += sample.value * (b - a);
    covered += b - a;
  }
  if (covered === 0) {
    // Only a sample taken right now (or none): its value, if any.
    const last = sorted.at(-1);
    return last && last.at.getTime() >= start ? last.value : null;
  }
  return area / covered;
}

/** The raw usage of a resource from its series (divide by the scale for `used`); null when there is no data. */
export function aggregate(aggregation: Aggregation, series: readonly (readonly Sample[])[], now: Date, days = 10): number | null {
  const from = windowStart(aggregation, now, days);
  let total: number | null = null;
  const add = (v: number | null) => {
    if (v !== null) total = (total ?? 0) + v;
  };
  for (const samples of series) {
    if (samples.length === 0) continue;
    switch (aggregation) {
      case Aggregation.LAST:
        add(samples.reduce((a, b) => (b.at.getTime() >= a.at.getTime() ? b : a)).value);
        break;
      case Aggregation.MONTHLY_SUM: {
        const inWindow = samples.filter((s) => s.at.getTime() >= from!.getTime() && s.at.getTime() <= now.getTime());
        if (inWindow.length) add(inWindow.reduce((sum, s) => sum + s.value, 0));
        break;
      }
      case Aggregation.MONTHLY_AVG:
      case Aggregation.LAST_N_DAYS_AVG:
        add(timeWeightedAverage(samples, from!, now));
        break;
    }
  }
  return total;
}

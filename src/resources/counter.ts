/**
 * Counter-based monitors (traffic: bytes a log or an interface counter has seen so far). The server reports the
 * counter as it is now; Orchestra keeps it as the sample's `state` and stores as the value what was used since the
 * previous run. A counter that went down was reset (a log rotated, an interface or daemon restarted): everything it
 * shows now was used since the reset, so the value is the counter itself — never a negative difference. The first
 * reading of an object only sets the baseline (0).
 */
export interface CounterReading {
  /** Used since the previous run. */
  value: number;
  /** The counter as read now: the next run's baseline. */
  state: number;
}

export function counterDelta(previousState: number | null, current: number): CounterReading {
  if (!Number.isFinite(current) || current < 0) throw new RangeError(`a counter reading must be a non-negative number, got ${current}`);
  if (previousState === null) return { value: 0, state: current };
  if (current >= previousState) return { value: current - previousState, state: current };
  return { value: current, state: current };
}

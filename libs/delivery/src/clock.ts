/** Where code that decides by time reads it: epoch milliseconds. Specs pass a fake one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** For durations only (never compared with a timestamp): not moved by wall-clock adjustments. */
export const monotonicClock: Clock = { now: () => performance.now() };

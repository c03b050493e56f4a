import { z } from 'zod';

/** A per-endpoint exponential policy; endpoints without one follow `defaultRetrySchedule`. */
export const retryPolicy = z
  .object({
    maxAttempts: z.number().int().min(1).max(50).describe('Attempts in total, the first one included.'),
    baseSeconds: z.number().positive().max(86_400).describe('Delay after the first failed attempt.'),
    factor: z.number().min(1).max(10).describe('Growth of the delay per further failed attempt.'),
    capSeconds: z.number().positive().max(604_800).describe('Largest delay between two attempts.'),
  })
  .refine((policy) => policy.capSeconds >= policy.baseSeconds, {
    path: ['capSeconds'],
    message: 'capSeconds must be at least baseSeconds',
  })
  .describe('Retry policy: delay before attempt n+1 is min(cap, base * factor^(n-1)), with full jitter.');

export type RetryPolicy = z.infer<typeof retryPolicy>;

/**
 * The default delays in seconds before attempts 2..9 (docs/DESIGN.md): a hand-picked list, not a
 * formula, because it front-loads quick retries for blips and then spreads out over about a day
 * for outages. Its length fixes the default of 9 attempts in total.
 */
export const defaultRetrySchedule: readonly number[] = Object.freeze([
  0, 5, 300, 1800, 7200, 18_000, 36_000, 36_000,
]);

/** ±10 %: enough to spread a burst of failures apart while keeping the schedule recognisable. */
const scheduleJitter = 0.1;

/** Attempts in total under a policy (`null` = the default schedule). */
export function maxAttemptsOf(policy: RetryPolicy | null): number {
  return policy === null ? defaultRetrySchedule.length + 1 : policy.maxAttempts;
}

/**
 * The delay before the next attempt once attempt `attemptJustFailed` (1-based) failed, or null when
 * that was the last one (dead letter). `random` returns [0, 1) like Math.random and is injected so
 * tests can pin the jitter. Exponential policies use full jitter (uniform in [0, delay)), which
 * spreads synchronized failures best; the default schedule keeps each delay within ±10 %, so
 * "immediately" stays immediate and no delay is ever negative.
 */
export function nextAttemptDelayMs(
  policy: RetryPolicy | null,
  attemptJustFailed: number,
  random: () => number,
): number | null {
  if (!Number.isInteger(attemptJustFailed) || attemptJustFailed < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attemptJustFailed}`);
  }
  if (attemptJustFailed >= maxAttemptsOf(policy)) return null;
  // Clamped (NaN to 0) so a misbehaving source of randomness cannot push a delay out of bounds.
  const drawn = random();
  const r = drawn >= 0 ? Math.min(1, drawn) : 0;
  if (policy === null) {
    const delayMs = defaultRetrySchedule[attemptJustFailed - 1] * 1000;
    return Math.round(delayMs * (1 - scheduleJitter + 2 * scheduleJitter * r));
  }
  const seconds = Math.min(policy.capSeconds, policy.baseSeconds * policy.factor ** (attemptJustFailed - 1));
  return Math.floor(seconds * 1000 * r);
}

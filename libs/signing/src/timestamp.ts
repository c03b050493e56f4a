import { reject, type Rejection } from './inbound';

const UNIX_SECONDS = /^\d{1,12}$/;

/** A unix-seconds header value, or null when it is not a plain decimal integer. */
export const parseUnixSeconds = (value: string): number | null =>
  UNIX_SECONDS.test(value) ? Number(value) : null;

/**
 * Null when `timestamp` is within `toleranceSeconds` of `now`. `past-only` follows providers whose
 * own SDKs check age alone (Stripe, Paddle): rejecting their future timestamps would refuse
 * deliveries their SDK accepts.
 */
export function checkTimestamp(
  timestamp: number,
  now: number,
  toleranceSeconds: number,
  window: 'both' | 'past-only' = 'both',
): Rejection<'stale-timestamp' | 'future-timestamp'> | null {
  const age = now - timestamp;
  if (age > toleranceSeconds) {
    return reject('stale-timestamp', `timestamp is ${age} s old, tolerance is ${toleranceSeconds} s`);
  }
  if (window === 'both' && -age > toleranceSeconds) {
    return reject('future-timestamp', `timestamp is ${-age} s ahead, tolerance is ${toleranceSeconds} s`);
  }
  return null;
}

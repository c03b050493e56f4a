import { parseRetryAfter } from './retry-after';

/** What the dispatcher observed of one attempt. */
export interface AttemptResult {
  /** The response status, or null when no response arrived. */
  statusCode: number | null;
  /** Why no usable response arrived; wins over `statusCode` when both are set. */
  error: 'timeout' | 'network' | 'ssrf-blocked' | 'invalid-url' | null;
  retryAfterHeader: string | null;
  /** A destination without status codes (a Kafka write) acknowledged the message: delivered. */
  acknowledged?: boolean;
}

export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; retryAfterMs: number | null }
  | { kind: 'gone' }
  | { kind: 'fail-permanently'; reason: 'ssrf-blocked' | 'invalid-url' };

/** A receiver may delay its retries by at most an hour through `Retry-After` unless told otherwise. */
export const defaultRetryAfterCapMs = 3_600_000;

/**
 * Classifies an attempt: 2xx (or a write acknowledged) delivered; 410 gone (the endpoint is to be disabled); a blocked or
 * invalid target fails for good, since retrying cannot change the answer; everything else
 * (timeouts, network errors, 408, 429, 5xx, other 1xx/3xx/4xx) is retried, with the receiver's
 * `Retry-After` read whenever it sent one.
 */
export function classifyOutcome(
  result: AttemptResult,
  nowMs: number,
  retryAfterCapMs: number = defaultRetryAfterCapMs,
): AttemptOutcome {
  switch (result.error) {
    case 'ssrf-blocked':
    case 'invalid-url':
      return { kind: 'fail-permanently', reason: result.error };
    case 'timeout':
    case 'network':
      return { kind: 'retry', retryAfterMs: null };
    case null:
      break;
  }
  if (result.acknowledged === true) return { kind: 'delivered' };
  const status = result.statusCode;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  return { kind: 'retry', retryAfterMs: parseRetryAfter(result.retryAfterHeader, nowMs, retryAfterCapMs) };
}

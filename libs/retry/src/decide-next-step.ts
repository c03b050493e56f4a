import { classifyOutcome, defaultRetryAfterCapMs, type AttemptResult } from './classify-outcome';
import { nextAttemptDelayMs, type RetryPolicy } from './retry-policy';

export type DeadLetterReason = 'exhausted' | 'ssrf-blocked' | 'invalid-url';

export type NextStep =
  | { kind: 'delivered' }
  | { kind: 'retry'; dueAt: number }
  | { kind: 'dead-letter'; reason: DeadLetterReason }
  | { kind: 'disable-endpoint' };

/**
 * What to do after attempt `attempt` (1-based) of a delivery: the one place that turns an attempt's
 * result into commit, retry, dead letter or disabling the endpoint. A `Retry-After` asking for
 * longer than the policy's delay wins (capped at `retryAfterCapMs`); a shorter one does not make
 * the gateway retry sooner than its policy. Exhaustion wins over `Retry-After`.
 */
export function decideNextStep(
  result: AttemptResult,
  attempt: number,
  policy: RetryPolicy | null,
  nowMs: number,
  random: () => number,
  retryAfterCapMs: number = defaultRetryAfterCapMs,
): NextStep {
  const outcome = classifyOutcome(result, nowMs, retryAfterCapMs);
  switch (outcome.kind) {
    case 'delivered':
      return { kind: 'delivered' };
    case 'gone':
      return { kind: 'disable-endpoint' };
    case 'fail-permanently':
      return { kind: 'dead-letter', reason: outcome.reason };
    case 'retry': {
      const delayMs = nextAttemptDelayMs(policy, attempt, random);
      if (delayMs === null) return { kind: 'dead-letter', reason: 'exhausted' };
      return { kind: 'retry', dueAt: nowMs + Math.max(delayMs, outcome.retryAfterMs ?? 0) };
    }
  }
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptResult } from './classify-outcome';
import { decideNextStep } from './decide-next-step';
import type { RetryPolicy } from './retry-policy';

const now = 1_800_000_000_000;
const half = () => 0.5;
const policy: RetryPolicy = { maxAttempts: 3, baseSeconds: 60, factor: 2, capSeconds: 3600 };
const response = (statusCode: number, retryAfterHeader: string | null = null): AttemptResult => ({
  statusCode,
  error: null,
  retryAfterHeader,
});

void describe('decideNextStep', () => {
  void it('commits a delivered attempt', () => {
    assert.deepEqual(decideNextStep(response(204), 1, null, now, half), { kind: 'delivered' });
  });

  void it('schedules a retry at the policy delay', () => {
    // Default schedule, attempt 3 failed: 5 min, jitter midpoint.
    assert.deepEqual(decideNextStep(response(500), 3, null, now, half), {
      kind: 'retry',
      dueAt: now + 300_000,
    });
    // Exponential, attempt 2 failed: 120 s, full jitter at 0.5.
    assert.deepEqual(decideNextStep(response(500), 2, policy, now, half), {
      kind: 'retry',
      dueAt: now + 60_000,
    });
  });

  void it('lets a later Retry-After win, capped, and ignores an earlier one', () => {
    assert.deepEqual(decideNextStep(response(429, '600'), 2, null, now, half), {
      kind: 'retry',
      dueAt: now + 600_000,
    });
    assert.deepEqual(decideNextStep(response(429, '1'), 2, null, now, half), {
      kind: 'retry',
      dueAt: now + 5_000,
    });
    assert.deepEqual(decideNextStep(response(429, '86400'), 2, null, now, half), {
      kind: 'retry',
      dueAt: now + 3_600_000,
    });
    assert.deepEqual(decideNextStep(response(429, '86400'), 2, null, now, half, 900_000), {
      kind: 'retry',
      dueAt: now + 900_000,
    });
  });

  void it('dead-letters an exhausted delivery, whatever Retry-After says', () => {
    assert.deepEqual(decideNextStep(response(503, '10'), 3, policy, now, half), {
      kind: 'dead-letter',
      reason: 'exhausted',
    });
    const timeout: AttemptResult = { statusCode: null, error: 'timeout', retryAfterHeader: null };
    assert.deepEqual(decideNextStep(timeout, 9, null, now, half), {
      kind: 'dead-letter',
      reason: 'exhausted',
    });
  });

  void it('dead-letters blocked and invalid targets at once', () => {
    const blocked: AttemptResult = { statusCode: null, error: 'ssrf-blocked', retryAfterHeader: null };
    assert.deepEqual(decideNextStep(blocked, 1, null, now, half), {
      kind: 'dead-letter',
      reason: 'ssrf-blocked',
    });
    const invalid: AttemptResult = { statusCode: null, error: 'invalid-url', retryAfterHeader: null };
    assert.deepEqual(decideNextStep(invalid, 1, policy, now, half), {
      kind: 'dead-letter',
      reason: 'invalid-url',
    });
  });

  void it('disables the endpoint on 410, even on the last attempt', () => {
    assert.deepEqual(decideNextStep(response(410), 1, null, now, half), { kind: 'disable-endpoint' });
    assert.deepEqual(decideNextStep(response(410), 3, policy, now, half), { kind: 'disable-endpoint' });
  });
});

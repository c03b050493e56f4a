import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultRetrySchedule,
  maxAttemptsOf,
  nextAttemptDelayMs,
  retryPolicy,
  type RetryPolicy,
} from './retry-policy';

const fixed = (value: number) => () => value;
const policy: RetryPolicy = { maxAttempts: 5, baseSeconds: 10, factor: 3, capSeconds: 200 };

void describe('default schedule', () => {
  void it('is about immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 9 attempts', () => {
    assert.deepEqual(defaultRetrySchedule, [0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    assert.equal(maxAttemptsOf(null), 9);
    const middle = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => nextAttemptDelayMs(null, attempt, fixed(0.5)));
    assert.deepEqual(middle, [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });

  void it('keeps jitter within ±10 %, never negative', () => {
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      const nominal = defaultRetrySchedule[attempt - 1] * 1000;
      assert.equal(nextAttemptDelayMs(null, attempt, fixed(0)), Math.round(nominal * 0.9));
      assert.equal(nextAttemptDelayMs(null, attempt, fixed(0.999999)), Math.round(nominal * 1.0999998));
      for (const r of [0, 0.25, 0.75, 0.999999]) {
        const delay = nextAttemptDelayMs(null, attempt, fixed(r))!;
        assert.ok(delay >= 0.9 * nominal && delay <= 1.1 * nominal, `${attempt} ${r} ${delay}`);
      }
    }
    assert.equal(nextAttemptDelayMs(null, 1, fixed(0.999)), 0);
  });

  void it('is exhausted after the ninth attempt', () => {
    assert.equal(nextAttemptDelayMs(null, 9, fixed(0.5)), null);
    assert.equal(nextAttemptDelayMs(null, 12, fixed(0.5)), null);
  });
});

void describe('exponential policy', () => {
  void it('grows as min(cap, base * factor^(n-1)) with full jitter', () => {
    const ceiling = [1, 2, 3, 4].map((attempt) => nextAttemptDelayMs(policy, attempt, fixed(1)));
    assert.deepEqual(ceiling, [10_000, 30_000, 90_000, 200_000]);
    assert.equal(nextAttemptDelayMs(policy, 3, fixed(0.5)), 45_000);
    assert.equal(nextAttemptDelayMs(policy, 3, fixed(0)), 0);
  });

  void it('stays within [0, delay] whatever the source of randomness returns', () => {
    for (const r of [-1, 0, 0.3, 0.999, 1, 7, Number.NaN]) {
      const delay = nextAttemptDelayMs(policy, 2, fixed(r));
      assert.ok(delay !== null && delay >= 0 && delay <= 30_000, `${r} -> ${delay}`);
    }
    for (const r of [-1, 7, Number.NaN]) {
      const delay = nextAttemptDelayMs(null, 3, fixed(r));
      assert.ok(delay !== null && delay >= 270_000 && delay <= 330_000, `${r} -> ${delay}`);
    }
  });

  void it('is exhausted at maxAttempts; one attempt means no retry', () => {
    assert.equal(nextAttemptDelayMs(policy, 5, fixed(0.5)), null);
    assert.equal(nextAttemptDelayMs({ ...policy, maxAttempts: 1 }, 1, fixed(0.5)), null);
  });

  void it('survives a huge exponent by hitting the cap', () => {
    const steep = { maxAttempts: 50, baseSeconds: 86_400, factor: 10, capSeconds: 604_800 };
    assert.equal(nextAttemptDelayMs(steep, 49, fixed(1)), 604_800_000);
  });

  void it('rejects an attempt number that is not a positive integer', () => {
    assert.throws(() => nextAttemptDelayMs(policy, 0, fixed(0.5)), RangeError);
    assert.throws(() => nextAttemptDelayMs(null, 1.5, fixed(0.5)), RangeError);
  });
});

void describe('retryPolicy', () => {
  void it('accepts a sensible policy', () => {
    assert.deepEqual(retryPolicy.parse(policy), policy);
  });

  void it('rejects out-of-range fields, naming them', () => {
    const paths = (input: unknown) =>
      retryPolicy.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    assert.deepEqual(paths({ ...policy, maxAttempts: 0 }), ['maxAttempts']);
    assert.deepEqual(paths({ ...policy, maxAttempts: 51 }), ['maxAttempts']);
    assert.deepEqual(paths({ ...policy, maxAttempts: 2.5 }), ['maxAttempts']);
    assert.deepEqual(paths({ ...policy, baseSeconds: 0 }), ['baseSeconds']);
    assert.deepEqual(paths({ ...policy, factor: 0.5 }), ['factor']);
    assert.deepEqual(paths({ ...policy, capSeconds: 5 }), ['capSeconds']);
    assert.deepEqual(paths({ maxAttempts: 3 }), ['baseSeconds', 'factor', 'capSeconds']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyOutcome, type AttemptResult } from './classify-outcome';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const response = (statusCode: number, retryAfterHeader: string | null = null): AttemptResult => ({
  statusCode,
  error: null,
  retryAfterHeader,
});

void describe('classifyOutcome', () => {
  void it('counts every 2xx as delivered', () => {
    for (const status of [200, 201, 202, 204, 299]) {
      assert.deepEqual(classifyOutcome(response(status), now), { kind: 'delivered' });
    }
  });

  void it('counts a write acknowledged by a destination without status codes (Kafka) as delivered; an error still wins', () => {
    const acknowledged = { statusCode: null, error: null, retryAfterHeader: null, acknowledged: true };
    assert.deepEqual(classifyOutcome(acknowledged, now), { kind: 'delivered' });
    assert.deepEqual(classifyOutcome({ ...acknowledged, error: 'ssrf-blocked' }, now), {
      kind: 'fail-permanently',
      reason: 'ssrf-blocked',
    });
    assert.deepEqual(classifyOutcome({ ...acknowledged, acknowledged: false }, now), {
      kind: 'retry',
      retryAfterMs: null,
    });
  });

  void it('retries timeouts, network errors, 408, 429, 5xx and other non-2xx', () => {
    for (const error of ['timeout', 'network'] as const) {
      const result = classifyOutcome({ statusCode: null, error, retryAfterHeader: null }, now);
      assert.deepEqual(result, { kind: 'retry', retryAfterMs: null });
    }
    for (const status of [100, 301, 400, 401, 404, 408, 409, 422, 429, 500, 502, 503, 504]) {
      assert.deepEqual(
        classifyOutcome(response(status), now),
        { kind: 'retry', retryAfterMs: null },
        String(status),
      );
    }
  });

  void it('reads Retry-After on a retry, capped by default at an hour or as given', () => {
    assert.deepEqual(classifyOutcome(response(429, '30'), now), { kind: 'retry', retryAfterMs: 30_000 });
    assert.deepEqual(classifyOutcome(response(503, 'Sun, 22 Nov 2026 12:01:00 GMT'), now), {
      kind: 'retry',
      retryAfterMs: 60_000,
    });
    assert.deepEqual(classifyOutcome(response(503, '7200'), now), { kind: 'retry', retryAfterMs: 3_600_000 });
    assert.deepEqual(classifyOutcome(response(503, '7200'), now, 10_000), {
      kind: 'retry',
      retryAfterMs: 10_000,
    });
  });

  void it('treats 410 as gone', () => {
    assert.deepEqual(classifyOutcome(response(410, '30'), now), { kind: 'gone' });
  });

  void it('fails blocked and invalid targets permanently', () => {
    for (const error of ['ssrf-blocked', 'invalid-url'] as const) {
      const result = classifyOutcome({ statusCode: null, error, retryAfterHeader: null }, now);
      assert.deepEqual(result, { kind: 'fail-permanently', reason: error });
    }
  });

  void it('lets an error win over a status code', () => {
    const result = classifyOutcome({ statusCode: 200, error: 'timeout', retryAfterHeader: null }, now);
    assert.deepEqual(result, { kind: 'retry', retryAfterMs: null });
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter } from './retry-after';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const hour = 3_600_000;

void describe('parseRetryAfter', () => {
  void it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('120', now, hour), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now, hour), 0);
  });

  void it('reads the three HTTP-date forms as UTC', () => {
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 12:02:00 GMT', now, hour), 120_000);
    assert.equal(parseRetryAfter('Sunday, 22-Nov-26 12:02:00 GMT', now, hour), 120_000);
    assert.equal(parseRetryAfter('Sun Nov 22 12:02:00 2026', now, hour), 120_000);
    const early = Date.UTC(2026, 10, 6, 12, 0, 0);
    assert.equal(parseRetryAfter('Fri Nov  6 12:00:30 2026', early, hour), 30_000);
  });

  void it('reads a past date as "now"', () => {
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', now, hour), 0);
    assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now, hour), 0);
  });

  void it('caps what it reads', () => {
    assert.equal(parseRetryAfter('86400', now, hour), hour);
    assert.equal(parseRetryAfter('99999999999999999999999', now, hour), hour);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2035 00:00:00 GMT', now, hour), hour);
  });

  void it('ignores what is absent or unreadable', () => {
    for (const value of [
      null,
      '',
      '-5',
      '1.5',
      '10s',
      'soon',
      '2026-11-22T12:02:00Z',
      'Sun, 22 Nov 2026 12:02:00 CET',
    ]) {
      assert.equal(parseRetryAfter(value, now, hour), null, String(value));
    }
  });
});

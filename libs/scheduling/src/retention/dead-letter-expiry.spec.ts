import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadLetterExpiry } from './dead-letter-expiry';

const now = new Date('2026-12-07T12:00:00.000Z');

describe('DeadLetterExpiry', () => {
  it('deletes in batches until one comes back short, with the cutoff retentionDays before now', async () => {
    const calls: [string, number][] = [];
    let left = 7;
    const expiry = new DeadLetterExpiry(
      {
        expire: (cutoff, limit) => {
          calls.push([cutoff.toISOString(), limit]);
          const deleted = Math.min(left, limit);
          left -= deleted;
          return Promise.resolve(deleted);
        },
        now: () => now,
        failed: () => assert.fail('no failure'),
      },
      { retentionDays: 14, batch: 3, intervalMs: 60000 },
    );
    assert.equal(await expiry.runOnce(), 7);
    assert.deepEqual(calls, [
      ['2026-11-23T12:00:00.000Z', 3],
      ['2026-11-23T12:00:00.000Z', 3],
      ['2026-11-23T12:00:00.000Z', 3],
    ]);
  });

  it('reports a failed pass and stops cleanly', async () => {
    const failures: unknown[] = [];
    let rejected!: () => void;
    const seen = new Promise<void>((resolve) => (rejected = resolve));
    const expiry = new DeadLetterExpiry(
      {
        expire: () => Promise.reject(new Error('database down')),
        now: () => now,
        failed: (error) => {
          failures.push(error);
          rejected();
        },
      },
      { retentionDays: 1, batch: 10, intervalMs: 60000 },
    );
    expiry.start();
    await seen;
    await expiry.stop();
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]), /database down/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { everyBucket, statsWindow } from './stats-window';

const now = new Date('2026-01-02T00:00:00.000Z');

describe('statsWindow', () => {
  it('defaults to the last 24 h, up to now, in whole buckets from since', () => {
    const window = statsWindow({ bucketSeconds: 900 }, now);
    assert.deepEqual(window, {
      since: new Date('2026-01-01T00:00:00.000Z'),
      until: now,
      bucketSeconds: 900,
    });
    const ragged = statsWindow({ since: '2026-01-01T23:50:00Z', bucketSeconds: 900 }, now);
    assert.deepEqual(ragged, {
      since: new Date('2026-01-01T23:50:00.000Z'),
      until: new Date('2026-01-02T00:05:00.000Z'),
      bucketSeconds: 900,
    });
  });

  it('refuses more than 500 buckets, and gives none for a since in the future', () => {
    const tooMany = statsWindow({ bucketSeconds: 60 }, now);
    assert.ok(typeof tooMany === 'string');
    assert.match(tooMany, /1440 buckets.*at most 500/);
    const future = statsWindow({ since: '2026-01-03T00:00:00Z', bucketSeconds: 60 }, now);
    assert.ok(typeof future !== 'string');
    assert.equal(future.until.getTime(), future.since.getTime());
  });
});

describe('everyBucket', () => {
  it('fills the buckets nothing was found in', () => {
    const window = { since: new Date(0), until: new Date(180_000), bucketSeconds: 60 };
    const found = [{ start: new Date(60_000), n: 3 }];
    assert.deepEqual(
      everyBucket(
        window,
        found,
        (bucket) => ({ start: bucket.start.toISOString(), n: bucket.n }),
        (start) => ({ start, n: 0 }),
      ),
      [
        { start: '1970-01-01T00:00:00.000Z', n: 0 },
        { start: '1970-01-01T00:01:00.000Z', n: 3 },
        { start: '1970-01-01T00:02:00.000Z', n: 0 },
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyLimit } from './latency-limit';

/** Feeds `count` attempts of `runMs` each, in a saturated dispatcher, tasks waiting throughout. */
function feed(
  limit: LatencyLimit,
  count: number,
  runMs: number | (() => number),
  { held = true, saturated = true } = {},
): void {
  for (let i = 0; i < count; i++) limit.observe(typeof runMs === 'number' ? runMs : runMs(), held, saturated);
}

describe('LatencyLimit', () => {
  it('starts a fresh endpoint at 1 and doubles each round trip while the loop has room, to the cap', () => {
    const limit = new LatencyLimit(32);
    assert.equal(limit.value(), 1);
    feed(limit, 3, 1, { saturated: false });
    assert.equal(limit.value(), 4);
    feed(limit, 100, 1, { saturated: false });
    assert.equal(limit.value(), 32);
  });

  it('grows by one each round trip while the loop is saturated', () => {
    const limit = new LatencyLimit(32);
    // About sqrt(2n) after n on-time attempts.
    feed(limit, 50, 1);
    assert.ok(limit.value() >= 9 && limit.value() <= 11, `limit ${limit.value()}`);
  });

  it('does not grow while nothing waits for a slot', () => {
    const limit = new LatencyLimit(32);
    feed(limit, 100, 1, { held: false, saturated: false });
    assert.equal(limit.value(), 1);
  });

  it('shrinks to 2 while attempts in a saturated loop take many times the shortest recent one, and grows back after', () => {
    const limit = new LatencyLimit(32);
    feed(limit, 100, 1, { saturated: false });
    // Waiting in a saturated dispatcher: 100 ms against 1 ms with no queueing.
    feed(limit, 40, 100);
    assert.equal(limit.value(), 2);
    feed(limit, 40, 1, { saturated: false });
    assert.equal(limit.value(), 32);
  });

  it('never shrinks while the dispatcher has CPU to spare: slow answers are then the receiver own', () => {
    const limit = new LatencyLimit(32);
    feed(limit, 100, 1, { saturated: false });
    // A receiver with a fast path (1 ms) and a slow one (50 ms), in a dispatcher with idle time.
    feed(limit, 200, 50, { saturated: false });
    assert.equal(limit.value(), 32);
  });

  it('leaves an endpoint whose own answers vary within the tolerance at its cap, saturated or not', () => {
    const limit = new LatencyLimit(32);
    feed(limit, 100, 80, { saturated: false });
    let n = 0;
    // A remote endpoint answering in 80-122 ms: within 1.5 times its shortest (80 ms) and 2 ms.
    feed(limit, 2000, () => 80 + ((n++ * 37) % 43));
    assert.equal(limit.value(), 32);
  });

  it('follows a lasting change of the endpoint own time: the shortest attempt is of the recent window', () => {
    const limit = new LatencyLimit(32);
    feed(limit, 100, 1, { saturated: false });
    // The endpoint now answers in 50 ms for good: slow at first, then its new normal.
    feed(limit, 1024, 50);
    assert.equal(limit.baselineMs(), 50);
    feed(limit, 40, 50, { saturated: false });
    assert.equal(limit.value(), 32);
  });

  it('stays within a lowered cap, and keeps 2 in flight for an endpoint that has started to hang', () => {
    const limit = new LatencyLimit(32);
    feed(limit, 100, 1, { saturated: false });
    limit.setCap(8);
    assert.equal(limit.value(), 8);
    feed(limit, 100, 15000);
    assert.equal(limit.value(), 2);
    limit.setCap(1);
    assert.equal(limit.value(), 1);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('gives a second’s worth at once, then one token per 1/rate seconds of the clock', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] }); // its clock stands still: no real timer may outlive the test
    const clock = { at: 0, now: () => clock.at };
    const bucket = new TokenBucket(5, clock);
    let wakes = 0;
    const take = () => bucket.take(5, () => wakes++);
    assert.deepEqual([take(), take(), take(), take(), take(), take()], [true, true, true, true, true, false]);
    clock.at += 100;
    assert.equal(take(), false, 'half a token');
    clock.at += 100;
    assert.equal(take(), true);
    clock.at += 60_000;
    assert.equal(
      Array.from({ length: 6 }, take).filter(Boolean).length,
      5,
      'an idle minute refills to one second’s worth, no more',
    );
  });

  it('wakes its caller once when a token is there again', async () => {
    const bucket = new TokenBucket(0, { now: () => performance.now() });
    let woken: () => void = () => undefined;
    const wake = new Promise<void>((resolve) => (woken = resolve));
    let wakes = 0;
    const onWake = () => {
      wakes++;
      woken();
    };
    assert.equal(bucket.take(100, onWake), false);
    assert.equal(bucket.take(100, onWake), false, 'one timer for both refusals');
    await wake;
    assert.equal(wakes, 1);
    assert.equal(bucket.take(100, onWake), true);
  });

  it('wakes only when a take would succeed, though its timer fires before the clock has moved on', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const clock = { at: 0, now: () => clock.at };
    const bucket = new TokenBucket(0, clock);
    let wakes = 0;
    assert.equal(
      bucket.take(100, () => wakes++),
      false,
    );
    clock.at = 6; // the timer's 10 ms pass while the clock, read once per turn, says 6
    t.mock.timers.tick(10);
    assert.equal(wakes, 0, 'no wake while 0.6 of a token is there');
    clock.at = 10;
    t.mock.timers.tick(4);
    assert.equal(wakes, 1);
    assert.equal(
      bucket.take(100, () => wakes++),
      true,
    );
  });
});

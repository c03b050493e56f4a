import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('admits everything without a limit', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 1000; i++) assert.equal(limiter.take('src', null, 0).allowed, true);
  });

  it('admits a burst, then the sustained rate, and says when to retry', () => {
    const limiter = new RateLimiter();
    const limit = { perSecond: 10, burst: 5 };
    for (let i = 0; i < 5; i++) assert.equal(limiter.take('src', limit, 1000).allowed, true);
    const refused = limiter.take('src', limit, 1000);
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 1 });
    assert.equal(limiter.take('src', limit, 1100).allowed, true, 'one token after 100 ms at 10/s');
    assert.equal(limiter.take('src', limit, 1100).allowed, false);
  });

  it('keeps sources apart and never stores more than the burst', () => {
    const limiter = new RateLimiter();
    const limit = { perSecond: 1 };
    assert.equal(limiter.take('a', limit, 0).allowed, true);
    assert.equal(limiter.take('a', limit, 0).allowed, false);
    assert.equal(limiter.take('b', limit, 0).allowed, true);
    assert.equal(limiter.take('a', limit, 3_600_000).allowed, true);
    assert.equal(
      limiter.take('a', limit, 3_600_000).allowed,
      false,
      'an hour of quiet still allows one burst',
    );
  });

  it('gives a retry time for slow rates', () => {
    const limiter = new RateLimiter();
    const limit = { perSecond: 0.1, burst: 1 };
    assert.equal(limiter.take('a', limit, 0).allowed, true);
    assert.deepEqual(limiter.take('a', limit, 0), { allowed: false, retryAfterSeconds: 10 });
  });

  it('checks without taking, and spends after the fact into debt that later requests wait out', () => {
    const limiter = new RateLimiter();
    const limit = { perSecond: 1, burst: 2 };
    for (let i = 0; i < 5; i++)
      assert.equal(limiter.check('src', limit, 0).allowed, true, 'checking takes nothing');
    for (let i = 0; i < 3; i++) limiter.spend('src', limit, 0);
    assert.deepEqual(limiter.check('src', limit, 0), { allowed: false, retryAfterSeconds: 2 });
    assert.equal(limiter.check('src', limit, 2000).allowed, true);
  });
});

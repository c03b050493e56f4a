import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoopLimit } from './loop-limit';

describe('loop limit', () => {
  const settings = { targetDelayMs: 20, floor: 32, ceiling: 256, initial: 256 };
  /** A loop busy all the time, late by `delayMs`. */
  const busyLoop = (delayMs: number) => ({ delayMs, utilization: 1 });

  it('without what is in use, shrinks from itself while the loop is late and busy, down to the floor', () => {
    const limit = new LoopLimit(settings);
    limit.observe(busyLoop(30));
    assert.equal(limit.value(), 205, 'x0.8');
    limit.observe(busyLoop(100));
    assert.equal(limit.value(), 103, 'x0.5 beyond twice the target');
    for (let i = 0; i < 10; i++) limit.observe(busyLoop(100));
    assert.equal(limit.value(), 32);
  });

  it('with what is in use, shrinks from that when it is lower', () => {
    const limit = new LoopLimit(settings);
    limit.observe(busyLoop(30), 100);
    assert.equal(limit.value(), 80);
  });

  it('keeps its limit when the loop is late but has idle time, and grows back to the ceiling while it keeps up', () => {
    const limit = new LoopLimit(settings);
    for (let i = 0; i < 10; i++) limit.observe(busyLoop(100));
    assert.equal(
      limit.observe({ delayMs: 80, utilization: 0.7 }),
      true,
      'a loop with idle time is not made faster by refusing work',
    );
    assert.equal(limit.value(), 38);
    assert.equal(limit.observe(busyLoop(15)), false, 'between half the target and the target: kept');
    for (let i = 0; i < 20; i++) limit.observe(busyLoop(5));
    assert.equal(limit.value(), 256);
  });
});

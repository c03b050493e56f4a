import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyBudget } from './concurrency-budget';
import { EndpointQueue } from './endpoint-queue';

describe('concurrency budget', () => {
  /** A loop busy all the time, late by `delayMs`. */
  const busyLoop = (delayMs: number) => ({ delayMs, utilization: 1 });
  const settings = { targetDelayMs: 20, floor: 32, ceiling: 10_000, initial: 10_000 };

  it('shrinks from what is really in flight while the loop is late, down to the floor', () => {
    const budget = new ConcurrencyBudget(settings);
    budget.observe(busyLoop(30), 1600, 50);
    assert.equal(budget.value(), 1280, 'x0.8 of the 1,600 in flight, not of the ceiling');
    budget.observe(busyLoop(100), 1280, 50);
    assert.equal(budget.value(), 640, 'x0.5 when the delay is over twice the target');
    for (let i = 0; i < 20; i++) budget.observe(busyLoop(100), budget.value(), 50);
    assert.equal(budget.value(), 32);
  });

  it('starts from its initial budget', () => {
    assert.equal(new ConcurrencyBudget({ ...settings, initial: 256 }).value(), 256);
  });

  it('grows again while the loop keeps up, but only when the budget is what holds attempts back', () => {
    const budget = new ConcurrencyBudget(settings);
    for (let i = 0; i < 20; i++) budget.observe(busyLoop(100), budget.value(), 10);
    assert.equal(budget.observe(busyLoop(5), 32, 10), true);
    assert.equal(budget.value(), 38);
    assert.equal(
      budget.observe(busyLoop(5), 3, 10),
      false,
      'few attempts in flight: no evidence that more would be used',
    );
    assert.equal(budget.observe(busyLoop(15), 38, 10), false, 'between half the target and the target: kept');
  });

  it('does not shrink when the loop is late but has idle time left (fewer attempts would not help)', () => {
    const budget = new ConcurrencyBudget({ ...settings, initial: 100 });
    assert.equal(budget.observe({ delayMs: 80, utilization: 0.7 }, 100, 20), true);
    assert.equal(budget.value(), 120);
  });

  it('shares the budget equally between busy endpoints, within each cap and at least one', () => {
    const budget = new ConcurrencyBudget(settings);
    for (let i = 0; i < 20; i++) budget.observe(busyLoop(100), budget.value(), 50);
    assert.equal(budget.share(32), 1, 'ceil(32 / 50)');
    budget.observe(busyLoop(5), 32, 4);
    assert.equal(budget.share(32), 10, 'ceil(38 / 4)');
    assert.equal(budget.share(5), 5, 'never above the endpoint cap');
  });

  it('counts an endpoint that gets work between two intervals at once', () => {
    const budget = new ConcurrencyBudget({ ...settings, initial: 256 });
    assert.equal(budget.share(32), 32);
    for (let i = 1; i < 50; i++) budget.becameBusy();
    assert.equal(budget.share(32), 6, 'ceil(256 / 50)');
  });

  it('limits an endpoint queue to its share, and a grown share starts waiting tasks on resume', async () => {
    const budget = new ConcurrencyBudget(settings);
    for (let i = 0; i < 20; i++) budget.observe(busyLoop(100), budget.value(), 32);
    let running = 0;
    const releases: (() => void)[] = [];
    const queue = new EndpointQueue<number>(
      { concurrency: 8, maxWaiting: 100, perSecond: null, share: (cap) => budget.share(cap) },
      () => {
        running++;
        return new Promise<void>((resolve) => releases.push(resolve));
      },
    );
    for (let i = 0; i < 10; i++) queue.offer(i);
    assert.equal(running, 1, 'share of 32 among 32 busy endpoints');
    budget.observe(busyLoop(5), 32, 8);
    queue.resume();
    assert.equal(running, 5, 'ceil(38 / 8)');
    for (const release of releases) release();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointQueue } from './endpoint-queue';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('EndpointQueue', () => {
  it('never runs more than its concurrency and starts tasks in order', async () => {
    const started: number[] = [];
    const gates = new Map<number, ReturnType<typeof deferred>>();
    const queue = new EndpointQueue<number>({ concurrency: 2, maxWaiting: 10, perSecond: null }, (task) => {
      started.push(task);
      const gate = deferred();
      gates.set(task, gate);
      return gate.promise;
    });
    for (const task of [1, 2, 3, 4]) assert.equal(queue.offer(task), true);
    assert.deepEqual(started, [1, 2]);
    assert.equal(queue.active(), 2);
    gates.get(1)!.resolve();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [1, 2, 3]);
  });

  it('refuses beyond its size', () => {
    const queue = new EndpointQueue<number>(
      { concurrency: 1, maxWaiting: 2, perSecond: null },
      () => new Promise(() => undefined),
    );
    assert.equal(queue.offer(1), true); // runs
    assert.equal(queue.offer(2), true);
    assert.equal(queue.offer(3), true);
    assert.equal(queue.offer(4), false);
  });

  it('starts at most perSecond tasks in a burst', () => {
    let started = 0;
    const queue = new EndpointQueue<number>({ concurrency: 100, maxWaiting: 100, perSecond: 5 }, async () => {
      started++;
    });
    for (let i = 0; i < 20; i++) queue.offer(i);
    assert.equal(started, 5);
  });

  it('estimates how long its waiting tasks take from the time a task holds its slot', async () => {
    let clock = 0;
    const gates: (() => void)[] = [];
    const queue = new EndpointQueue<number>(
      { concurrency: 1, maxWaiting: 100, perSecond: null },
      () => new Promise<void>((resolve) => gates.push(resolve)),
      { now: () => clock },
    );
    for (let i = 0; i < 51; i++) queue.offer(i);
    assert.equal(queue.drainEstimateMs(), Infinity, 'nothing completed yet');
    // 10 completions in 1 s: 10/s, so the 40 still waiting take about 4 s.
    for (let i = 0; i < 10; i++) {
      clock += 100;
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(queue.size(), 40);
    assert.equal(Math.round(queue.drainEstimateMs()), 4000);
    // An idle minute does not change it: the estimate comes from busy time.
    clock += 60_000;
    assert.equal(Math.round(queue.drainEstimateMs()), 4000);
  });

  it('leaves out of its estimate the runs that made no attempt (skips, hand-offs)', async () => {
    let clock = 0;
    let attempt = true;
    const queue = new EndpointQueue<number>(
      { concurrency: 1, maxWaiting: 100, perSecond: null },
      async () => {
        clock += attempt ? 100 : 1;
        return attempt;
      },
      { now: () => clock },
    );
    queue.offer(0);
    await new Promise((r) => setImmediate(r));
    attempt = false;
    for (let i = 0; i < 50; i++) queue.offer(i);
    await new Promise((r) => setImmediate(r));
    assert.equal(queue.size(), 0);
    assert.equal(
      Math.round(queue.drainEstimateMs(10)),
      1000,
      'still 100 ms a task, from the one real attempt',
    );
  });

  it('counts every slot, and a rate limit slower than the slots', async () => {
    let clock = 0;
    const gates: (() => void)[] = [];
    const limits = { concurrency: 4, maxWaiting: 100, perSecond: null as number | null };
    const queue = new EndpointQueue<number>(
      limits,
      () => new Promise<void>((resolve) => gates.push(resolve)),
      { now: () => clock },
    );
    for (let i = 0; i < 45; i++) queue.offer(i);
    clock += 200;
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
    // 40 waiting, 200 ms a task, 4 slots: 2 s.
    assert.equal(Math.round(queue.drainEstimateMs()), 2000);
    queue.setLimits({ ...limits, perSecond: 5 });
    assert.equal(Math.round(queue.drainEstimateMs()), 8000, 'at 5/s, 40 take 8 s');
  });
  it('with a latency limit, starts a first burst at 1 attempt, and more as they end on time', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    const queue = new EndpointQueue<number>(
      { concurrency: 32, maxWaiting: 100, perSecond: null, saturated: () => true },
      () => {
        const gate = deferred();
        gates.push(gate);
        return gate.promise;
      },
    );
    for (let task = 0; task < 50; task++) queue.offer(task);
    assert.equal(queue.active(), 1);
    gates[0].resolve();
    await new Promise((r) => setImmediate(r));
    // It ended on time with tasks waiting: its slot and one more.
    assert.equal(queue.active(), 2);
    queue.setLimits({ concurrency: 32, maxWaiting: 100, perSecond: null });
    assert.equal(queue.active(), 32, 'without a latency limit, the cap');
  });
});

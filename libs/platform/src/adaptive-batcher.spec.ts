import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveBatcher } from './adaptive-batcher';

describe('AdaptiveBatcher', () => {
  it('sends alone when idle, and batches what arrives while a batch is on its way', async () => {
    const batches: number[][] = [];
    const acks: (() => void)[] = [];
    const batcher = new AdaptiveBatcher<number>(
      (items) => {
        batches.push(items);
        return new Promise((resolve) => acks.push(resolve));
      },
      { maxInFlight: 1 },
    );
    const first = batcher.send(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((n) => batcher.send(n));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(batches, [[1]], 'the second batch waits for the first');
    acks[0]();
    await first;
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(batches, [[1], [2, 3, 4]]);
    acks[1]();
    await Promise.all(rest);
  });

  it('rejects every caller of a failed batch and carries on', async () => {
    let fail = true;
    const batcher = new AdaptiveBatcher<number>(async () => {
      if (fail) throw new Error('kafka down');
    });
    await assert.rejects(Promise.all([batcher.send(1), batcher.send(2)]), /kafka down/);
    fail = false;
    await batcher.send(3);
  });

  it('caps the batch size', async () => {
    const sizes: number[] = [];
    const batcher = new AdaptiveBatcher<number>(async (items) => void sizes.push(items.length), {
      maxInFlight: 1,
      maxBatch: 3,
    });
    await Promise.all(Array.from({ length: 7 }, (_, n) => batcher.send(n)));
    assert.deepEqual(sizes, [3, 3, 1]);
  });

  it('spaces batches by spacingMs, and what arrives meanwhile shares the next one', async () => {
    const batches: { items: number[]; at: number }[] = [];
    const batcher = new AdaptiveBatcher<number>(
      async (items) => void batches.push({ items, at: performance.now() }),
      { spacingMs: 40 },
    );
    await batcher.send(1);
    const rest = [2, 3, 4].map((n) => batcher.send(n));
    await Promise.all(rest);
    assert.deepEqual(
      batches.map((batch) => batch.items),
      [[1], [2, 3, 4]],
    );
    // The batcher spaces from the instant before it calls sendMany; this spec can only stamp inside
    // the call, which a GC pause on a loaded machine delays by a fraction of a millisecond (CI saw 39.7).
    assert.ok(batches[1].at - batches[0].at >= 39, `${batches[1].at - batches[0].at} ms apart`);
  });
});

describe('AdaptiveBatcher, a batch failing for one item (issue 19)', () => {
  const dataError = () =>
    Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });

  it('sends each item of a batch PostgreSQL refused for its data again alone: only the bad one fails', async () => {
    const batches: string[][] = [];
    const acks: (() => void)[] = [];
    const batcher = new AdaptiveBatcher<string>(
      async (items) => {
        batches.push(items);
        if (items.length === 1 && items[0] === 'first')
          return new Promise<void>((resolve) => acks.push(resolve));
        if (items.includes('bad')) throw dataError();
      },
      { maxInFlight: 1 },
    );
    const first = batcher.send('first');
    await new Promise((resolve) => setImmediate(resolve));
    const results = Promise.allSettled(['good-1', 'bad', 'good-2'].map((item) => batcher.send(item)));
    acks[0]();
    await first;
    const settled = await results;
    assert.deepEqual(
      settled.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(batches, [['first'], ['good-1', 'bad', 'good-2'], ['good-1'], ['bad'], ['good-2']]);
  });

  it('fails a whole batch at once on an outage', async () => {
    const batches: number[][] = [];
    const batcher = new AdaptiveBatcher<number>(
      async (items) => {
        batches.push(items);
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      { maxInFlight: 1 },
    );
    const first = batcher.send(0).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Promise.allSettled([1, 2].map((n) => batcher.send(n)));
    await first;
    assert.deepEqual(
      (await rest).map((result) => result.status),
      ['rejected', 'rejected'],
    );
    assert.deepEqual(batches, [[0], [1, 2]]);
  });
});

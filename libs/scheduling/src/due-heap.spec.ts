import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DueHeap } from './due-heap';

describe('DueHeap', () => {
  it('pops in due order', () => {
    const heap = new DueHeap<{ dueAt: number }>();
    const values = Array.from({ length: 500 }, () => Math.floor(Math.random() * 10000));
    for (const dueAt of values) heap.push({ dueAt });
    const popped: number[] = [];
    while (heap.size > 0) popped.push(heap.pop()!.dueAt);
    assert.deepEqual(
      popped,
      [...values].sort((a, b) => a - b),
    );
  });
});

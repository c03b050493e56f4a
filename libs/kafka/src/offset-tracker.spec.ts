import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('commits only up to the oldest unfinished offset', () => {
    const tracker = new OffsetTracker();
    for (const offset of ['5', '6', '7', '8']) tracker.add(offset);
    assert.equal(tracker.committable(), '5');
    tracker.complete('7');
    tracker.complete('6');
    assert.equal(tracker.committable(), '5', 'offset 5 still runs, so nothing after it is committed');
    tracker.complete('5');
    assert.equal(tracker.committable(), '8');
    tracker.complete('8');
    assert.equal(tracker.committable(), '9', 'all done: the next offset to read');
    assert.equal(tracker.inFlight(), 0);
  });

  it('has nothing to commit before the first offset', () => {
    assert.equal(new OffsetTracker().committable(), undefined);
  });

  it('keeps working across many offsets (compaction)', () => {
    const tracker = new OffsetTracker();
    for (let i = 0; i < 5000; i++) tracker.add(String(i));
    for (let i = 0; i < 4999; i++) tracker.complete(String(i));
    assert.equal(tracker.committable(), '4999');
    tracker.complete('4999');
    assert.equal(tracker.committable(), '5000');
  });
});

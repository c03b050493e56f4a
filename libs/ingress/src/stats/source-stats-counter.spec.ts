import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceStatsCounter, statsKindOf } from './source-stats-counter';

const minute = Date.UTC(2026, 0, 1, 12, 0);

describe('SourceStatsCounter', () => {
  it('counts verified, duplicates and refusals by reason, per source and minute', () => {
    const counter = new SourceStatsCounter();
    counter.note('src_a', { kind: 'accepted', id: '1' }, minute + 1);
    counter.note('src_a', { kind: 'accepted', id: '2' }, minute + 59_999);
    counter.note('src_a', { kind: 'duplicate', id: '1' }, minute + 2);
    counter.note('src_a', { kind: 'unauthorized', reason: 'bad-signature', detail: '' }, minute + 3);
    counter.note('src_a', { kind: 'too-large', limit: 10 }, minute + 4);
    counter.note('src_a', { kind: 'accepted', id: '3' }, minute + 60_000);
    counter.note(
      'src_b',
      { kind: 'handshake', handshake: { status: 200, contentType: '', body: '' } },
      minute,
    );
    assert.deepEqual(counter.take(), [
      {
        sourceId: 'src_a',
        minute,
        verified: 2,
        duplicates: 1,
        refused: 2,
        refusedByReason: { 'bad-signature': 1, 'too-large': 1 },
      },
      {
        sourceId: 'src_a',
        minute: minute + 60_000,
        verified: 1,
        duplicates: 0,
        refused: 0,
        refusedByReason: {},
      },
    ]);
    assert.deepEqual(counter.take(), []);
  });

  it('adds back what an upsert could not write to what came since', () => {
    const counter = new SourceStatsCounter();
    counter.note('src_a', { kind: 'unauthorized', reason: 'bad-signature', detail: '' }, minute);
    const failed = counter.take();
    counter.note('src_a', { kind: 'unauthorized', reason: 'bad-signature', detail: '' }, minute);
    counter.giveBack(failed);
    assert.deepEqual(counter.take(), [
      {
        sourceId: 'src_a',
        minute,
        verified: 0,
        duplicates: 0,
        refused: 2,
        refusedByReason: { 'bad-signature': 2 },
      },
    ]);
  });

  it('counts no stats for an unknown source or a handshake', () => {
    assert.equal(statsKindOf({ kind: 'not-found', sourceId: 'x' }), undefined);
    assert.deepEqual(statsKindOf({ kind: 'rate-limited', retryAfterSeconds: 1 }), {
      kind: 'refused',
      reason: 'rate-limited',
    });
  });
});

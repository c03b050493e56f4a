import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InboundMessage } from '@gateway/schemas';
import { dedupKeyOf, inboundIdFor } from './dedup-key';
import { DedupStage, journalGather, type JournalEntry } from './dedup-stage';
import { claimRef, type DedupClaim, type DedupRef } from '@gateway/persistence';

/** The claim table's rules, in memory (the SQL lives in dedup.store.ts and runs in test/ingress). */
class FakeTable {
  rows = new Map<string, { expiresAt: string; published: boolean }>();
  claim = async (claims: DedupClaim[]) => {
    const won = new Set<string>();
    for (const claim of claims) {
      const ref = claimRef(claim);
      const row = this.rows.get(ref);
      if (!row || !row.published || row.expiresAt <= claim.receivedAt) {
        this.rows.set(ref, { expiresAt: claim.expiresAt, published: false });
        won.add(ref);
      }
    }
    return won;
  };
  mark = async (refs: DedupRef[]) => {
    for (const ref of refs) this.rows.get(claimRef(ref))!.published = true;
  };
}

/** A GitHub webhook; its body names the delivery unless one is given (GitHub's bodies differ per event). */
function entry(
  sourceId: string,
  eventId: string | null,
  receivedAt = '2026-01-01T00:00:00.000Z',
  body = JSON.stringify({ delivery: eventId }),
): JournalEntry {
  const dedupKey = dedupKeyOf('github', eventId, Buffer.from(body), 'application/json');
  const message: InboundMessage = {
    id: inboundIdFor(sourceId, dedupKey),
    sourceId,
    provider: 'github',
    providerEventId: eventId,
    providerEventType: 'push',
    receivedAt,
    contentType: 'application/json',
    bodyBase64: Buffer.from(body).toString('base64'),
    headers: {},
  };
  return { message, traceparent: undefined };
}

function stage(table: FakeTable, windows: Record<string, number> = {}, failPublish = false) {
  const published: JournalEntry[] = [];
  const dedup = new DedupStage({
    claim: table.claim,
    publish: async (entries) => {
      if (failPublish) throw new Error('kafka down');
      published.push(...entries);
    },
    markPublished: table.mark,
    windowSeconds: (sourceId) => windows[sourceId] ?? 86400,
  });
  return { dedup, published };
}

describe('DedupStage', () => {
  it('publishes the first copy of an event once, within a batch and across batches', async () => {
    const table = new FakeTable();
    const { dedup, published } = stage(table);
    await dedup.handle([entry('a', 'e1'), entry('a', 'e1'), entry('a', 'e2'), entry('b', 'e1')]);
    await dedup.handle([entry('a', 'e1'), entry('a', 'e2')]);
    assert.deepEqual(
      published.map((item) => `${item.message.sourceId}/${item.message.providerEventId}`),
      ['a/e1', 'a/e2', 'b/e1'],
    );
  });

  it('takes a signed body sent again under a fresh unsigned id (GitHub) for a duplicate, and claims both keys', async () => {
    const table = new FakeTable();
    const { dedup, published } = stage(table);
    const captured = '{"action":"opened","number":7}';
    await dedup.handle([entry('a', 'delivery-1', undefined, captured)]);
    await dedup.handle([
      entry('a', 'delivery-2', undefined, captured),
      entry('a', 'delivery-3', undefined, '{"action":"closed","number":7}'),
    ]);
    assert.deepEqual(
      published.map((item) => item.message.providerEventId),
      ['delivery-1', 'delivery-3'],
    );
    assert.equal(
      [...table.rows.values()].filter((row) => row.published).length,
      4,
      'id and body keys of the two published',
    );
  });

  it('deduplicates providers without an event id by their exact body', async () => {
    const table = new FakeTable();
    const { dedup, published } = stage(table);
    await dedup.handle([
      entry('z', null, undefined, '{"a":1}'),
      entry('z', null, undefined, '{"a":1}'),
      entry('z', null, undefined, '{"a":2}'),
    ]);
    assert.equal(published.length, 2);
  });

  it('publishes again once the window has passed', async () => {
    const table = new FakeTable();
    const { dedup, published } = stage(table, { a: 60 });
    await dedup.handle([entry('a', 'e1', '2026-01-01T00:00:00.000Z')]);
    await dedup.handle([entry('a', 'e1', '2026-01-01T00:00:59.000Z')]);
    await dedup.handle([entry('a', 'e1', '2026-01-01T00:01:00.000Z')]);
    assert.equal(published.length, 2);
  });

  it('does not deduplicate a source whose window is 0', async () => {
    const table = new FakeTable();
    const { dedup, published } = stage(table, { a: 0 });
    await dedup.handle([entry('a', 'e1'), entry('a', 'e1')]);
    assert.equal(published.length, 2);
    assert.equal(table.rows.size, 0);
  });

  it('publishes again after a failed publish (the claim was never marked), and only once', async () => {
    const table = new FakeTable();
    await assert.rejects(stage(table, {}, true).dedup.handle([entry('a', 'e1')]));
    const { dedup, published } = stage(table);
    await dedup.handle([entry('a', 'e1')]);
    await dedup.handle([entry('a', 'e1')]);
    assert.equal(published.length, 1);
  });
});

describe('journalGather', () => {
  it('waits the configured time after a batch of fewer than 32', () => {
    assert.deepEqual(journalGather(10), { belowBatch: 32, waitMs: 10 });
  });

  it('does not wait at 0', () => {
    assert.equal(journalGather(0), undefined);
  });
});

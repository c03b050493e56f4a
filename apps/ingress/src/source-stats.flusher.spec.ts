import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceStatsCounter } from '@gateway/ingress';
import type { Logger } from '@gateway/observability';
import type { SourceStatsDelta, SourceStatsRepository } from '@gateway/persistence';
import type { AppConfig } from './config';
import { SourceStatsFlusher } from './source-stats.flusher';

const minute = Date.UTC(2026, 0, 1, 12, 0);

describe('SourceStatsFlusher', () => {
  it('keeps the counts of a failed write for the next one, and never throws', async () => {
    const counter = new SourceStatsCounter();
    const written: SourceStatsDelta[][] = [];
    let down = true;
    const stats = {
      add: (rows: SourceStatsDelta[]) => {
        if (down) return Promise.reject(new Error('database down'));
        written.push(rows);
        return Promise.resolve();
      },
    } as unknown as SourceStatsRepository;
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const flusher = new SourceStatsFlusher(
      { SOURCE_STATS_FLUSH_MS: 10_000 } as AppConfig,
      counter,
      stats,
      logger,
    );

    counter.note('src_a', { kind: 'accepted', id: '1' }, minute);
    await flusher.flush();
    assert.equal(warnings.length, 1);
    counter.note('src_a', { kind: 'accepted', id: '2' }, minute);
    down = false;
    await flusher.flush();
    assert.deepEqual(written, [
      [{ sourceId: 'src_a', minute, verified: 2, duplicates: 0, refused: 0, refusedByReason: {} }],
    ]);
    await flusher.flush();
    assert.equal(written.length, 1, 'nothing new: no statement');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetryRow } from '@gateway/persistence';
import { RetryIntake, type IncomingRetry } from './retry-intake';

const now = 1_000_000;

function incoming(id: string, dueInMs: number, completed: Set<string>): IncomingRetry {
  const row: RetryRow = { deliveryId: id, attempt: 2, endpointId: 'ep', dueAt: now + dueInMs, task: '{}', traceparent: null, lastError: 'HTTP 503', lastStatusCode: 503 };
  return { row, complete: () => completed.add(id) };
}

describe('RetryIntake', () => {
  it('stores and completes the soon-due retries before accept returns, the later ones after', async () => {
    const completed = new Set<string>();
    const stored: string[][] = [];
    let releaseLater: () => void = () => undefined;
    const intake = new RetryIntake(
      {
        store: async (rows) => {
          stored.push(rows.map((row) => row.deliveryId));
          if (rows[0].deliveryId === 'later') await new Promise<void>((resolve) => (releaseLater = resolve));
          return [];
        },
        adopt: () => undefined,
        now: () => now,
        onStoreError: () => undefined,
      },
      { windowMs: 2000, maxBackground: 1000 },
    );
    await intake.accept([incoming('later', 60000, completed), incoming('soon', 1000, completed)]);
    assert.deepEqual(stored[0], ['soon'], 'the soon-due one is stored first, alone');
    assert.deepEqual([...completed], ['soon']);
    await new Promise((resolve) => setImmediate(resolve));
    releaseLater();
    await intake.drain();
    assert.deepEqual([...completed].sort(), ['later', 'soon']);
  });

  it('retries a failed background store and completes nothing until it succeeds', async () => {
    const completed = new Set<string>();
    let failures = 2;
    const errors: unknown[] = [];
    const intake = new RetryIntake(
      {
        store: async () => {
          if (failures-- > 0) throw new Error('database down');
          return [];
        },
        adopt: () => undefined,
        now: () => now,
        onStoreError: (error) => errors.push(error),
      },
      { windowMs: 2000, maxBackground: 1000 },
    );
    await intake.accept([incoming('a', 60000, completed)]);
    assert.equal(completed.size, 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(errors.length, 2);
    assert.deepEqual([...completed], ['a']);
  });

  it('leaves a background store that fails during shutdown uncompleted (re-read after a restart)', async () => {
    const completed = new Set<string>();
    const intake = new RetryIntake(
      {
        store: async () => {
          throw new Error('database down');
        },
        adopt: () => undefined,
        now: () => now,
        onStoreError: () => undefined,
      },
      { windowMs: 2000, maxBackground: 1000 },
    );
    await intake.accept([incoming('a', 60000, completed)]);
    await intake.drain();
    assert.equal(completed.size, 0);
  });
});

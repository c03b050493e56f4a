import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetryRow } from '@gateway/persistence';
import { RetryIntake, type IncomingRetry } from './retry-intake';

const now = 1_000_000;
/** What node-postgres throws while PostgreSQL is down: an outage, retried. */
const databaseDown = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });

function incoming(
  id: string,
  dueInMs: number,
  completed: Set<string>,
  rejected = new Set<string>(),
): IncomingRetry {
  const row: RetryRow = {
    deliveryId: id,
    attempt: 2,
    endpointId: 'ep',
    dueAt: now + dueInMs,
    task: '{}',
    traceparent: null,
    lastError: 'HTTP 503',
    lastStatusCode: 503,
  };
  return { row, complete: () => completed.add(id), reject: async () => void rejected.add(id) };
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
          if (failures-- > 0) throw databaseDown();
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
    // Two failures back off 100 then 200 ms; polled, so a slow machine only waits longer.
    const deadline = Date.now() + 10_000;
    while (completed.size === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(errors.length, 2);
    assert.deepEqual([...completed], ['a']);
  });

  it('leaves a background store that fails during shutdown uncompleted (re-read after a restart)', async () => {
    const completed = new Set<string>();
    const intake = new RetryIntake(
      {
        store: async () => {
          throw databaseDown();
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

  it('stores a later batch PostgreSQL refused for its content again one retry at a time, and rejects the one refused alone (issue 19)', async () => {
    const completed = new Set<string>();
    const rejected = new Set<string>();
    const stored: string[][] = [];
    const intake = new RetryIntake(
      {
        store: async (rows) => {
          stored.push(rows.map((row) => row.deliveryId));
          // A due date beyond PostgreSQL's timestamps: to_timestamp fails with 22008 on every try.
          if (rows.some((row) => row.deliveryId === 'bad'))
            throw Object.assign(new Error('timestamp out of range'), { code: '22008' });
          return [];
        },
        adopt: () => undefined,
        now: () => now,
        onStoreError: () => undefined,
      },
      { windowMs: 2000, maxBackground: 1000 },
    );
    await intake.accept(['a', 'bad', 'b'].map((id) => incoming(id, 60000, completed, rejected)));
    await intake.drain();
    assert.deepEqual(stored, [['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
    assert.deepEqual([[...completed].sort(), [...rejected]], [['a', 'b'], ['bad']]);
  });
});

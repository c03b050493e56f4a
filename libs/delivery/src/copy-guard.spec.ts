import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointTargetRow } from '@gateway/persistence';
import { createLogger } from '@gateway/observability';
import { CopyGuard } from './copy-guard';
import { DurableWrites } from './durable-writes';
import { finished, type Finishing, type Job } from './outcome';

const writes = new DurableWrites(createLogger('test', 'silent'), () => false);

function job(deliveryId: string, attempt: number, timestamp: number): Job {
  return {
    value: {
      deliveryId,
      endpointId: 'ep_1',
      attempt,
      event: { id: 'evt_1', type: 't', data: {}, tenant: null, occurredAt: new Date(0).toISOString() },
      orderingKey: null,
      publishedAt: timestamp,
    },
    key: 'ep_1',
    partition: 0,
    offset: '0',
    timestamp,
    traceparent: undefined,
    complete: () => undefined,
    reject: async () => undefined,
  };
}

/** A guard whose clock reads `at.now`, with `recorded` the status of each delivery already attempted. */
function guard(recorded: Record<string, string>, ordered = false) {
  const at = { now: 100_000 };
  const asked: string[] = [];
  const times: (number | undefined)[] = [];
  const copies = new CopyGuard(
    {
      endpoint: () => ({ ordered }) as EndpointTargetRow,
      recordedAttempt: async (deliveryId, _attempt, acceptedAt) => {
        asked.push(deliveryId);
        times.push(acceptedAt);
        return recorded[deliveryId];
      },
    },
    writes,
    { now: () => at.now },
  );
  return { copies, asked, times, at };
}

const attempt = (): Promise<Finishing> => Promise.resolve({ ...finished('delivered'), attempted: true });

describe('CopyGuard', () => {
  it('finishes a copy of a task under way as a duplicate, only after the original’s follow-up', async () => {
    const { copies } = guard({});
    let settle: () => void = () => undefined;
    const followUp = new Promise<'delivered'>((resolve) => (settle = () => resolve('delivered')));
    let attempts = 0;
    const original = await copies.run(job('dlv_1', 1, 0), async () => {
      attempts++;
      return { done: followUp, attempted: true };
    });
    const copy = await copies.run(job('dlv_1', 1, 0), async () => {
      attempts++;
      return attempt();
    });
    assert.equal(attempts, 1, 'the copy is not attempted');
    let copyDone = false;
    void copy.done.then(() => (copyDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(copyDone, false, 'the copy waits for the original');
    settle();
    assert.equal(await original.done, 'delivered');
    assert.equal(await copy.done, 'duplicate');
  });

  it('does not finish a copy whose original’s follow-up failed (both stay uncommitted)', async () => {
    const { copies } = guard({});
    const failure = Promise.reject(new Error('stopping'));
    failure.catch(() => undefined);
    await copies.run(job('dlv_2', 1, 0), async () => ({ done: failure }));
    const copy = await copies.run(job('dlv_2', 1, 0), attempt);
    await assert.rejects(copy.done, /stopping/);
  });

  it('looks up a first attempt produced before the join, and sends one produced after it without asking', async () => {
    const { copies, asked, at } = guard({ dlv_old: 'delivered' });
    copies.rejoined();
    at.now += 60_000;
    const old = await copies.run(job('dlv_old', 1, 100_000 - 5_000), attempt);
    const recent = await copies.run(job('dlv_new', 1, 100_000 - 500), attempt);
    assert.deepEqual(asked, ['dlv_old'], 'within the slack of the join: not looked up');
    assert.equal(await old.done, 'duplicate');
    assert.equal(old.attempted, undefined);
    assert.equal(await recent.done, 'delivered');
  });

  it('always looks up a retry; an ordered endpoint’s recorded attempt is sent again unless its delivery is finished', async () => {
    const unordered = guard({ dlv_r: 'retrying' });
    assert.equal(await (await unordered.copies.run(job('dlv_r', 2, Date.now()), attempt)).done, 'duplicate');
    const ordered = guard({ dlv_r: 'retrying', dlv_d: 'dead' }, true);
    assert.equal(await (await ordered.copies.run(job('dlv_r', 2, Date.now()), attempt)).done, 'delivered');
    assert.equal(await (await ordered.copies.run(job('dlv_d', 2, Date.now()), attempt)).done, 'duplicate');
    assert.deepEqual(ordered.asked, ['dlv_r', 'dlv_d']);
  });
  it('looks a possible copy up with its task’s accepted time, so the look-up reads that time’s partitions alone', async () => {
    const { copies, times } = guard({});
    const retry = job('dlv_time', 2, 0);
    retry.value.acceptedAt = 86_400_000;
    await copies.run(retry, attempt);
    await copies.run(job('dlv_untimed', 2, 0), attempt);
    assert.deepEqual(times, [86_400_000, undefined]);
  });
});

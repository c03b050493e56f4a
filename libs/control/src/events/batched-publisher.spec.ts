import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventMessage } from '@gateway/schemas';
import { BatchedPublisher } from './batched-publisher';
import type { PublishOutcome } from './event-publisher';

/** A publisher whose acknowledgements the spec releases, recording the batches (calls in one turn). */
function heldPublisher() {
  const batches: string[][] = [];
  const acks: (() => void)[] = [];
  let current: string[] | undefined;
  return {
    batches,
    /** Acknowledges every publish made so far. */
    ackAll: () => acks.splice(0).forEach((ack) => ack()),
    publish: (input: EventMessage): Promise<PublishOutcome> => {
      if (!current) {
        current = [];
        batches.push(current);
        queueMicrotask(() => (current = undefined));
      }
      current.push(String(input.id));
      if (input.type === 'too.large')
        return Promise.resolve({ outcome: 'too-large', id: String(input.id), bytes: 2 });
      if (input.type === 'bug') return Promise.reject(new TypeError('bug'));
      return new Promise((resolve) =>
        acks.push(() => resolve({ outcome: 'published', id: String(input.id) })),
      );
    },
  };
}

const event = (id: string, type = 'a.b'): EventMessage => ({ type, data: 1, id });
/** Until the waiting callers reached the publisher (the batcher sends after the current I/O). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchedPublisher', () => {
  it('sends one event at once when idle, and what arrives while two batches are on their way as one batch', async () => {
    const held = heldPublisher();
    const batched = new BatchedPublisher(held);
    const first = batched.publish(event('e1'));
    await settle();
    const second = batched.publish(event('e2'));
    await settle();
    const waiting = ['e3', 'e4', 'e5'].map((id) => batched.publish(event(id)));
    await settle();
    assert.deepEqual(held.batches, [['e1'], ['e2']], 'two on their way: the rest waits');
    held.ackAll();
    assert.deepEqual((await first).outcome, 'published');
    assert.deepEqual((await second).outcome, 'published');
    await settle();
    assert.deepEqual(held.batches, [['e1'], ['e2'], ['e3', 'e4', 'e5']]);
    held.ackAll();
    assert.deepEqual(
      (await Promise.all(waiting)).map((outcome) => outcome.id),
      ['e3', 'e4', 'e5'],
    );
  });

  it("answers each caller its own outcome: one event refused or failing does not fail the others'", async () => {
    const held = heldPublisher();
    const batched = new BatchedPublisher(held);
    const blockers = [batched.publish(event('b1')), batched.publish(event('b2'))];
    await settle();
    await settle();
    const ok = batched.publish(event('ok'));
    const large = batched.publish(event('big', 'too.large'));
    const bug = assert.rejects(batched.publish(event('bug', 'bug')), TypeError);
    await settle();
    held.ackAll();
    await Promise.all(blockers);
    await settle();
    held.ackAll();
    assert.deepEqual(await ok, { outcome: 'published', id: 'ok' });
    assert.deepEqual(await large, { outcome: 'too-large', id: 'big', bytes: 2 });
    await bug;
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awaitTopicsOnEveryBroker, type BrokerTopicCheck } from './topic-propagation';

const UNKNOWN = 'This server does not host this topic-partition';

/** Brokers that each learn of the topics after a number of asks of their own. */
function lagging(asksUntilKnown: Record<string, number>): { check: BrokerTopicCheck; asked: string[] } {
  const asked: string[] = [];
  const check: BrokerTopicCheck = async (address) => {
    asked.push(address);
    asksUntilKnown[address] -= 1;
    return asksUntilKnown[address] < 0 ? true : UNKNOWN;
  };
  return { check, asked };
}

describe('awaitTopicsOnEveryBroker', () => {
  it('waits out a broker that has not heard of new topics yet, and asks every broker', async () => {
    const { check, asked } = lagging({ 'a:1': 0, 'b:2': 3, 'c:3': 1 });
    await awaitTopicsOnEveryBroker(['a:1', 'b:2', 'c:3'], ['t.events'], check, { pollMs: 1 });
    assert.deepEqual(asked, ['a:1', 'b:2', 'b:2', 'b:2', 'b:2', 'c:3', 'c:3']);
  });

  it('names the broker and its answer when it never learns of them in time', async () => {
    const { check } = lagging({ 'a:1': 0, 'b:2': Infinity });
    await assert.rejects(
      awaitTopicsOnEveryBroker(['a:1', 'b:2'], ['t.events'], check, { timeoutMs: 20, pollMs: 1 }),
      new RegExp(`broker b:2 did not serve the topics within 20 ms: ${UNKNOWN}`),
    );
  });
});

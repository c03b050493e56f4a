import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, metrics } from '@gateway/observability';
import { PartitionHolds } from './partition-holds';

const logger = createLogger('test', 'silent');
const pausedGauge = async () => (await metrics.dispatchPausedPartitions.get()).values[0]?.value;

function holdsWithPorts() {
  const paused: number[] = [];
  const resumed: number[] = [];
  const holds = new PartitionHolds(
    { pausePartition: (partition) => paused.push(partition), resumePartition: (p) => resumed.push(p) },
    logger,
  );
  return { holds, paused, resumed };
}

describe('PartitionHolds', () => {
  it('pauses a partition for each holding endpoint and resumes it only once every holder let go', async () => {
    const { holds, paused, resumed } = holdsWithPorts();
    holds.hold(3, 'ep_a', false);
    holds.hold(3, 'ep_b', true);
    assert.deepEqual(paused, [3, 3], 'every hold asks for the pause (a lost one is made again)');
    assert.equal(holds.isHeld(3, 'ep_a'), true);
    assert.equal(holds.isHeld(4, 'ep_a'), false);
    assert.equal(await pausedGauge(), 1);

    holds.release((endpointId) => endpointId === 'ep_a');
    assert.deepEqual(resumed, [], 'ep_b still holds partition 3');
    assert.equal(holds.isHeld(3, 'ep_a'), false);
    holds.release((_endpointId, ordered) => ordered);
    assert.deepEqual(resumed, [3]);
    assert.equal(holds.any(), false);
    assert.equal(await pausedGauge(), 0);
  });

  it('forgets every hold when the consumer rejoined (KafkaJS resumed them), without resuming', async () => {
    const { holds, resumed } = holdsWithPorts();
    holds.hold(1, 'ep_a', true);
    holds.hold(2, 'ep_b', false);
    holds.forget();
    assert.equal(holds.any(), false);
    assert.deepEqual(resumed, []);
    assert.equal(await pausedGauge(), 0);
  });

  it('logs a refused pause or resume instead of throwing', () => {
    const refuse = () => {
      throw new Error('Consumer group was not initialized');
    };
    const holds = new PartitionHolds({ pausePartition: refuse, resumePartition: refuse }, logger);
    holds.hold(0, 'ep_a', true);
    holds.release(() => true);
    assert.equal(holds.any(), false);
  });
});

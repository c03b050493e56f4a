import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicNames } from '@gateway/schemas';
import { effectiveReplication, topicRetention } from './topics';

describe('effectiveReplication', () => {
  it('gives 3 replicas and min.insync.replicas 2 by default on three or more brokers', () => {
    assert.deepEqual(effectiveReplication({ replicationFactor: 3 }, 3), {
      replicationFactor: 3,
      minInsyncReplicas: 2,
      capped: false,
    });
    assert.deepEqual(effectiveReplication({ replicationFactor: 3 }, 5), {
      replicationFactor: 3,
      minInsyncReplicas: 2,
      capped: false,
    });
  });

  it('caps the factor at the broker count and says so', () => {
    assert.deepEqual(effectiveReplication({ replicationFactor: 3 }, 1), {
      replicationFactor: 1,
      minInsyncReplicas: 1,
      capped: true,
    });
    assert.deepEqual(effectiveReplication({ replicationFactor: 3 }, 2), {
      replicationFactor: 2,
      minInsyncReplicas: 1,
      capped: true,
    });
  });

  it('keeps min.insync.replicas between 1 and the factor', () => {
    assert.equal(effectiveReplication({ replicationFactor: 1 }, 3).minInsyncReplicas, 1);
    assert.equal(
      effectiveReplication({ replicationFactor: 3, minInsyncReplicas: 3 }, 3).minInsyncReplicas,
      3,
    );
    assert.equal(
      effectiveReplication({ replicationFactor: 3, minInsyncReplicas: 5 }, 3).minInsyncReplicas,
      3,
    );
  });
});

describe('topicRetention', () => {
  it("names each topic with its retention.ms: the dead-letter topic's forever, the brokers' default as null", () => {
    const retention = new Map(
      topicRetention(topicNames('p.')).map((entry) => [entry.topic, entry.retentionMs]),
    );
    assert.equal(retention.get('p.dead-letter'), -1);
    assert.equal(retention.get('p.invalid'), 30 * 86400000);
    assert.equal(retention.get('p.events'), null);
    assert.equal(retention.size, 7);
  });
});

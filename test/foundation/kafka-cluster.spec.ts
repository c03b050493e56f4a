import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ConfigResourceTypes,
  Kafka,
  logLevel,
  type Admin,
  type KafkaConfig,
  type SASLOptions,
} from 'kafkajs';
import { repoRoot, startKafkaCluster, type KafkaCluster } from '../support/stack';
import { waitFor } from '../support/wait-for';

/**
 * The local 3-node KRaft cluster of `scripts/infra/kafka-cluster.sh`, seen by a bare kafkajs client
 * through its SASL_SSL listener: replicated topics, refused credentials and certificates, and a
 * killed node that the cluster outlives and that rejoins. It runs on a cluster of its own.
 */
describe('local Kafka cluster (3 nodes, SASL_SSL)', () => {
  let cluster: KafkaCluster;
  let startedInMs: number;
  let admin: Admin;
  const topic = `cluster-${randomUUID().slice(0, 8)}`;

  const client = (overrides: Partial<KafkaConfig> = {}): Kafka =>
    new Kafka({
      clientId: 'cluster-spec',
      brokers: cluster.brokers.split(','),
      ssl: { ca: [readFileSync(cluster.caFile, 'utf8')] },
      sasl: { mechanism: 'scram-sha-512', username: cluster.username, password: cluster.password },
      logLevel: logLevel.NOTHING,
      ...overrides,
    });

  /** What connecting an admin client with these settings ends in: 'connected' or the error. */
  async function tryConnect(overrides: Partial<KafkaConfig>): Promise<'connected' | Error> {
    const probe = client({ retry: { retries: 0 }, connectionTimeout: 5000, ...overrides }).admin();
    try {
      await probe.connect();
      await probe.describeCluster();
      return 'connected';
    } catch (error) {
      return error as Error;
    } finally {
      await probe.disconnect();
    }
  }

  const brokerIds = async (): Promise<number[]> =>
    (await admin.describeCluster()).brokers.map((broker) => broker.nodeId).sort();
  const partitions = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions;

  before(async () => {
    const start = Date.now();
    cluster = await startKafkaCluster({ dir: path.join(repoRoot, 'tmp', 'kafka-cluster'), fresh: true });
    startedInMs = Date.now() - start;
    admin = client().admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  });

  it('lists its 3 brokers at their advertised SASL_SSL addresses', async (t) => {
    t.diagnostic(`cluster started and registered in ${(startedInMs / 1000).toFixed(1)} s`);
    const { brokers } = await admin.describeCluster();
    assert.deepEqual(
      brokers.map((broker) => `${broker.host}:${broker.port}`).sort(),
      cluster.brokers.split(',').sort(),
    );
  });

  it('accepts the same user over SCRAM-SHA-256 and PLAIN, and the client certificate for mutual TLS', async () => {
    const { username, password } = cluster;
    for (const sasl of [
      { mechanism: 'scram-sha-256', username, password },
      { mechanism: 'plain', username, password },
    ] as SASLOptions[]) {
      assert.equal(await tryConnect({ sasl }), 'connected', sasl.mechanism);
    }
    const ssl = {
      ca: [readFileSync(cluster.caFile, 'utf8')],
      cert: readFileSync(cluster.clientCertFile, 'utf8'),
      key: readFileSync(cluster.clientKeyFile, 'utf8'),
    };
    assert.equal(await tryConnect({ ssl }), 'connected');
  });

  it('refuses a wrong password with a SASL authentication error', async () => {
    const outcome = await tryConnect({
      sasl: { mechanism: 'scram-sha-512', username: cluster.username, password: 'wrong-secret' },
    });
    assert.ok(outcome instanceof Error, 'a wrong password connects');
    assert.equal(outcome.name, 'KafkaJSSASLAuthenticationError', outcome.message);
  });

  it('refuses a client that does not trust its CA', async () => {
    // ssl: true trusts only Node's bundled public CAs.
    const outcome = await tryConnect({ ssl: true });
    assert.ok(outcome instanceof Error, 'an untrusting client connects');
    assert.match(outcome.message, /certificate/i);
  });

  it('creates a topic with replication factor 3 and min.insync.replicas 2, and round-trips acks=all', async () => {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
      // KafkaJS's wait asks one broker and fails if that one does not know the topic yet
      // (UNKNOWN_TOPIC_OR_PARTITION); the wait below asks until the answer holds.
      waitForLeaders: false,
    });
    const created = await waitFor('3 partitions with 3 replicas in sync', 10000, async () => {
      const list = await partitions();
      return list.length === 3 && list.every((partition) => partition.isr.length === 3) && list;
    });
    for (const partition of created) assert.equal(partition.replicas.length, 3);
    const minInsync = await waitFor('the topic config', 10000, async () => {
      const described = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
        includeSynonyms: false,
      });
      return described.resources[0].configEntries[0].configValue;
    });
    assert.equal(minInsync, '2');
    const producer = await idempotentProducer();
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'before' }] });
    await producer.disconnect();
    assert.deepEqual(await readAll(), ['before']);
  });

  it('keeps taking acks=all writes with one node killed, and the node rejoins when restarted', async (t) => {
    // The node that leads partition 0, where the writes go: its leadership has to move.
    const victim = (await partitions()).find((partition) => partition.partitionId === 0)!.leader;
    const producer = await idempotentProducer();
    try {
      const killedAt = Date.now();
      await cluster.kill(victim);
      // One send: the producer's own retries carry it across the move, and the idempotent producer's
      // sequence numbers keep a retried batch from being written twice.
      await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'during' }] });
      t.diagnostic(`first acks=all write after the kill: ${Date.now() - killedAt} ms`);
      // Fencing takes the node out of the cluster's brokers and out of every ISR in one step.
      await waitFor(
        'the killed node fenced and out of every ISR',
        30000,
        async () =>
          !(await brokerIds()).includes(victim) &&
          (await partitions()).every(
            (partition) => partition.isr.length === 2 && !partition.isr.includes(victim),
          ),
      );

      const restartedAt = Date.now();
      await cluster.restart(victim);
      await waitFor('3 brokers listed again', 10000, async () => (await brokerIds()).join() === '1,2,3');
      await waitFor(
        'the restarted node back in every ISR',
        60000,
        async () => (await partitions()).every((partition) => partition.isr.length === 3),
        250,
      );
      t.diagnostic(
        `node ${victim} registered and back in sync ${Date.now() - restartedAt} ms after its restart`,
      );
      await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'after' }] });
    } finally {
      await producer.disconnect();
    }
    // One partition: in order, nothing lost, nothing twice.
    assert.deepEqual(await readAll(), ['before', 'during', 'after']);
  });

  async function idempotentProducer() {
    // Retries at most 1 s apart for about 25 s: a killed node is fenced after 4-6 s, then its
    // partitions' leadership moves, and the write should follow within a second.
    const producer = client().producer({
      idempotent: true,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    await producer.connect();
    return producer;
  }

  /** Every value in the topic, read from the beginning through SASL_SSL. */
  async function readAll(): Promise<string[]> {
    const consumer = client().consumer({ groupId: `cluster-spec-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? ''),
      });
      const ends = await admin.fetchTopicOffsets(topic);
      const total = ends.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
      await waitFor(`${total} messages read back`, 30000, () => values.length >= total);
    } finally {
      await consumer.disconnect();
    }
    return values;
  }
});

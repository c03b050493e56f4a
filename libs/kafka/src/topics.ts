import { ConfigResourceTypes, type Admin } from 'kafkajs';
import type { TopicNames } from '@gateway/schemas';
import { createKafka, type KafkaSettings } from './kafka-client';
import { awaitTopicsOnEveryBroker, brokerTopicCheck } from './topic-propagation';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: { name: string; value: string }[];
}

/** What the operator asked for (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS). */
export interface Replication {
  replicationFactor: number;
  minInsyncReplicas?: number;
}

/** Partition counts: the delivery path gets more partitions so endpoints spread across consumers. */
export function defaultTopicSpecs(names: TopicNames, partitions = 8): TopicSpec[] {
  return [
    { topic: names.events, numPartitions: partitions },
    { topic: names.inbound, numPartitions: partitions },
    // Keyed by source like webhooks.inbound, with as many partitions.
    { topic: names.inboundJournal, numPartitions: partitions },
    { topic: names.deliveries, numPartitions: partitions },
    { topic: names.retries, numPartitions: partitions },
    {
      topic: names.deadLetter,
      numPartitions: partitions,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    },
    {
      topic: names.invalid,
      numPartitions: 1,
      configEntries: [{ name: 'retention.ms', value: String(30 * 86400000) }],
    },
  ];
}

/**
 * How long each topic keeps its records (`retention.ms`; null where the brokers' default applies,
 * -1 forever): what an erased tenant leaves in Kafka until it ages out (ADR 0028).
 */
export function topicRetention(names: TopicNames): { topic: string; retentionMs: number | null }[] {
  return defaultTopicSpecs(names).map((spec) => {
    const entry = spec.configEntries?.find((config) => config.name === 'retention.ms');
    return { topic: spec.topic, retentionMs: entry === undefined ? null : Number(entry.value) };
  });
}

/**
 * The replication a cluster of `brokers` can give: the factor is capped at the broker count (a
 * one-broker dev cluster gets 1), and min.insync.replicas defaults to that factor − 1, at least 1 and at
 * most the factor. `capped` says the cap applied, so the caller can log it.
 */
export function effectiveReplication(
  wanted: Replication,
  brokers: number,
): { replicationFactor: number; minInsyncReplicas: number; capped: boolean } {
  const replicationFactor = Math.max(1, Math.min(wanted.replicationFactor, brokers));
  const minInsyncReplicas = Math.min(
    replicationFactor,
    Math.max(1, wanted.minInsyncReplicas ?? replicationFactor - 1),
  );
  return { replicationFactor, minInsyncReplicas, capped: replicationFactor < wanted.replicationFactor };
}

export interface EnsuredTopics {
  created: string[];
  replicationFactor: number;
  minInsyncReplicas: number;
  /** The factor was lowered to the broker count. */
  capped: boolean;
}

/**
 * Creates missing topics (idempotent) with the replication asked for (by default
 * KAFKA_REPLICATION_FACTOR's), and returns once every broker serves each topic with its leaders.
 */
export async function ensureTopics(
  settings: KafkaSettings,
  specs: TopicSpec[],
  wanted: Replication = { replicationFactor: 3 },
): Promise<EnsuredTopics> {
  const admin = createKafka(settings).admin();
  await admin.connect();
  const brokerCheck = brokerTopicCheck(settings);
  try {
    const { brokers } = await admin.describeCluster();
    const replication = effectiveReplication(wanted, brokers.length);
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        // KafkaJS's own wait asks one broker, and gives up if that one has not heard of them yet.
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          ...spec,
          replicationFactor: replication.replicationFactor,
          configEntries: [
            ...(spec.configEntries ?? []),
            { name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) },
          ],
        })),
      });
    }
    await awaitTopicsOnEveryBroker(
      brokers.map((broker) => `${broker.host}:${broker.port}`),
      specs.map((spec) => spec.topic),
      brokerCheck.check,
    );
    return { created: missing.map((spec) => spec.topic), ...replication };
  } finally {
    await brokerCheck.close();
    await admin.disconnect();
  }
}

/**
 * What is wrong with the topics a service uses, one readable line each: missing, fewer replicas than
 * asked for (capped at the live broker count), or a lower min.insync.replicas. Empty when all is well.
 */
export async function topicProblems(
  admin: Admin,
  topics: string[],
  wanted: Replication,
): Promise<{ problems: string[]; expected: ReturnType<typeof effectiveReplication> }> {
  const { brokers } = await admin.describeCluster();
  const expected = effectiveReplication(wanted, brokers.length);
  const existing = new Set(await admin.listTopics());
  const problems = topics
    .filter((topic) => !existing.has(topic))
    .map(
      (topic) =>
        `topic ${topic} does not exist (create it with npm run topics or the chart's provisioning job)`,
    );
  const present = topics.filter((topic) => existing.has(topic));
  if (present.length === 0) return { problems, expected };
  const metadata = await admin.fetchTopicMetadata({ topics: present });
  for (const topic of metadata.topics) {
    const replicas = Math.min(...topic.partitions.map((partition) => partition.replicas.length));
    if (replicas < expected.replicationFactor) {
      problems.push(
        `topic ${topic.name} has ${replicas} replica(s), fewer than KAFKA_REPLICATION_FACTOR ${expected.replicationFactor}`,
      );
    }
  }
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configNames: ['min.insync.replicas'],
    })),
  });
  for (const resource of configs.resources) {
    const value = Number(
      resource.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue ?? 1,
    );
    if (value < expected.minInsyncReplicas) {
      problems.push(
        `topic ${resource.resourceName} has min.insync.replicas ${value}, lower than ${expected.minInsyncReplicas}`,
      );
    }
  }
  return { problems, expected };
}

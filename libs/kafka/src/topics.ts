import type { Kafka } from 'kafkajs';
import type { TopicNames } from '@gateway/schemas';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: { name: string; value: string }[];
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
    { topic: names.deadLetter, numPartitions: partitions, configEntries: [{ name: 'retention.ms', value: '-1' }] },
    { topic: names.invalid, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: String(30 * 86400000) }] },
  ];
}

/** Creates missing topics (idempotent) and waits for their leaders. */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], replicationFactor = 1): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({ ...spec, replicationFactor })),
      });
    }
    return missing.map((spec) => spec.topic);
  } finally {
    await admin.disconnect();
  }
}

import { z } from 'zod';
import { kafkaConfig, kafkaRules, loadConfig } from '@gateway/config';
import { defaultTopicSpecs, ensureTopics, kafkaSettings } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { topicNames } from '@gateway/schemas';

/** `npm run topics`: creates the gateway's topics if missing (also the Helm provisioning Job). */
async function main(): Promise<void> {
  const config = loadConfig(
    z
      .object({
        ...kafkaConfig,
        TOPIC_PARTITIONS: z.coerce
          .number()
          .int()
          .min(1)
          .default(8)
          .describe('Partitions per topic created by provisioning.'),
      })
      .superRefine(kafkaRules),
  );
  const ensured = await ensureTopics(
    kafkaSettings(config, 'gateway-provision', createLogger('provision', 'warn')),
    defaultTopicSpecs(topicNames(config.KAFKA_TOPIC_PREFIX), config.TOPIC_PARTITIONS),
    {
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
    },
  );
  if (ensured.capped) {
    process.stdout.write(
      `the cluster has fewer brokers than KAFKA_REPLICATION_FACTOR ${config.KAFKA_REPLICATION_FACTOR}: using ${ensured.replicationFactor}\n`,
    );
  }
  const replication = `replication factor ${ensured.replicationFactor}, min.insync.replicas ${ensured.minInsyncReplicas}`;
  process.stdout.write(
    ensured.created.length
      ? `created topics (${replication}): ${ensured.created.join(', ')}\n`
      : 'topics exist\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `topic provisioning failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

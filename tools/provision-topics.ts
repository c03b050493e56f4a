import { z } from 'zod';
import { kafkaConfig, loadConfig } from '@gateway/config';
import { createKafka, defaultTopicSpecs, ensureTopics } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { topicNames } from '@gateway/schemas';

/** `npm run topics`: creates the gateway's topics if missing (also the Helm provisioning Job). */
async function main(): Promise<void> {
  const config = loadConfig(z.object({ ...kafkaConfig, TOPIC_PARTITIONS: z.coerce.number().int().min(1).default(8).describe('Partitions per topic created by provisioning.') }));
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'gateway-provision', logger: createLogger('provision', 'warn') });
  const created = await ensureTopics(kafka, defaultTopicSpecs(topicNames(config.KAFKA_TOPIC_PREFIX), config.TOPIC_PARTITIONS));
  process.stdout.write(created.length ? `created topics: ${created.join(', ')}\n` : 'topics exist\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`topic provisioning failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

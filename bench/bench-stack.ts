import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createKafka, defaultTopicSpecs, ensureTopics } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { createDataSource, type DataSource } from '@gateway/persistence';
import { topicNames, type TopicNames } from '@gateway/schemas';
import { generateSecret } from '@gateway/signing';
import { freshDatabase, startInfra, repoRoot, type Infra } from '@gateway/testing';

export interface BenchStack {
  infra: Infra | undefined;
  kafkaBrokers: string;
  databaseUrl: string;
  topics: TopicNames;
  prefix: string;
  db: DataSource;
  logDir: string;
  insertEndpoints(urls: string[], options?: { eventTypes?: string[] }): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Kafka + PostgreSQL for a benchmark (its own, unless KAFKA_BROKERS / DATABASE_URL are set), with
 * fresh topics and a fresh migrated database, dropped at the end: endpoints left by an earlier run
 * would otherwise receive (and fail) this run's events.
 */
export async function startBenchStack(name: string, partitions = 8): Promise<BenchStack> {
  let infra: Infra | undefined;
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let databaseUrl = process.env.DATABASE_URL;
  if (!kafkaBrokers || !databaseUrl) {
    infra = await startInfra({ dir: path.join(repoRoot, 'tmp', `bench-${name}`), fresh: true, fast: true });
    kafkaBrokers = infra.kafkaBrokers;
    databaseUrl = infra.databaseUrl;
  }
  const serverUrl: string = databaseUrl;
  databaseUrl = await freshDatabase(serverUrl, 'bench');
  const db = createDataSource(databaseUrl, 4, 'bench');
  await db.initialize();
  const prefix = `bench${Date.now().toString(36)}.`;
  const topics = topicNames(prefix);
  const kafka = createKafka({ brokers: kafkaBrokers.split(','), clientId: 'bench', logger: createLogger('bench', 'error') });
  await ensureTopics(kafka, defaultTopicSpecs(topics, partitions));
  let inserted = 0;
  return {
    infra,
    kafkaBrokers,
    databaseUrl,
    topics,
    prefix,
    db,
    logDir: path.join(repoRoot, 'tmp', 'bench-logs'),
    insertEndpoints: async (urls, options = {}) => {
      const ids = urls.map(() => `ep_bench_${prefix.replace(/\W/g, '')}_${inserted++}`);
      await db.query(
        `INSERT INTO endpoints (id, url, event_types) SELECT id, url, $3::text[] FROM unnest($1::text[], $2::text[]) AS t(id, url)`,
        [ids, urls, options.eventTypes ?? ['*']],
      );
      await db.query(`INSERT INTO endpoint_secrets (endpoint_id, key) SELECT unnest($1::text[]), unnest($2::text[])`, [ids, ids.map(() => generateSecret())]);
      return ids;
    },
    stop: async () => {
      // On a shared broker, this run's topics go too: a long-lived dev broker otherwise gathers
      // thousands of partitions, and its heap and pauses with them, skewing later runs.
      if (!infra) await deleteTopics(kafka, Object.values(topics));
      await db.destroy();
      await dropDatabase(serverUrl, databaseUrl);
      await infra?.stop();
    },
  };
}

async function deleteTopics(kafka: Kafka, names: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: names, timeout: 30000 });
  } catch (error) {
    process.stderr.write(`bench: could not delete this run's topics: ${(error as Error).message}\n`);
  } finally {
    await admin.disconnect();
  }
}

async function dropDatabase(serverUrl: string, url: string): Promise<void> {
  const admin = createDataSource(serverUrl, 1, 'bench-admin');
  await admin.initialize();
  try {
    // An autovacuum worker (another role's process) may still be in it after a large run: it ends
    // soon, so a few tries; after that the database is left behind, harmlessly.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
        return;
      } catch (error) {
        if (attempt === 5) return void process.stderr.write(`bench: could not drop ${url}: ${(error as Error).message}\n`);
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    }
  } finally {
    await admin.destroy();
  }
}

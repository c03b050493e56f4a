import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { defaultTopicSpecs, ensureTopics } from '@gateway/kafka';
import { parseKeyList, SecretBox } from '@gateway/encryption';
import { createDataSource, runMigrations } from '@gateway/persistence';
import { createLogger } from '@gateway/observability';
import { topicNames, type TopicNames } from '@gateway/schemas';
import { repoRoot } from './stack';
import { startService, type RunningService, type ServiceName } from './services';
import { freePort } from './stack';

/** The servers the test run started (or that KAFKA_BROKERS / DATABASE_URL named). */
export function testInfra(): { kafkaBrokers: string; databaseUrl: string } {
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.DATABASE_URL;
  if (!kafkaBrokers || !databaseUrl)
    throw new Error('run the tests with `npm test` (it starts Kafka and PostgreSQL)');
  return { kafkaBrokers, databaseUrl };
}

/** The run's SECRETS_ENCRYPTION_KEYS (run-tests.ts sets them), for repositories a spec builds itself. */
export function testSecretBox(): SecretBox {
  const keys = process.env.SECRETS_ENCRYPTION_KEYS;
  if (!keys) throw new Error('run the tests with `npm test` (it sets SECRETS_ENCRYPTION_KEYS)');
  return new SecretBox(parseKeyList(keys));
}

export const logDir = path.join(repoRoot, 'tmp', 'test-logs');

/** A topic prefix of its own for each test, so tests never see each other's messages. */
export async function freshTopics(partitions = 4): Promise<{ prefix: string; topics: TopicNames }> {
  const prefix = `t${randomUUID().slice(0, 8)}.`;
  const topics = topicNames(prefix);
  const settings = {
    brokers: testInfra().kafkaBrokers.split(','),
    clientId: 'test-provision',
    logger: createLogger('test', 'error'),
  };
  await ensureTopics(settings, defaultTopicSpecs(topics, partitions));
  return { prefix, topics };
}

/** A migrated database of its own for one test file (the router loads every endpoint it finds). */
export async function freshDatabase(baseUrl = testInfra().databaseUrl, prefix = 't'): Promise<string> {
  const admin = createDataSource(baseUrl, 1, 'tests-admin');
  await admin.initialize();
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = baseUrl.replace(/\/[^/]+$/, `/${name}`);
  const dataSource = createDataSource(url, 1, 'tests-migrate');
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return url;
}

/** Starts real service processes sharing one topic prefix; returns them by name. */
export async function startServices(
  names: ServiceName[],
  env: Record<string, string>,
): Promise<Record<string, RunningService>> {
  const infra = testInfra();
  const running: Record<string, RunningService> = {};
  await Promise.all(
    names.map(async (name) => {
      running[name] = await startService(
        name,
        await freePort(),
        { KAFKA_BROKERS: infra.kafkaBrokers, DATABASE_URL: infra.databaseUrl, ...env },
        logDir,
      );
    }),
  );
  return running;
}

/** A bare kafkajs client, as an internal service in any language would use. */
export function rawKafka(brokers = testInfra().kafkaBrokers): Kafka {
  return new Kafka({ clientId: 'test-client', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

export async function rawProducer(kafka = rawKafka()): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** Collects every message of a topic from the beginning. */
export async function collect(
  topic: string,
  kafka = rawKafka(),
): Promise<{
  consumer: Consumer;
  messages: { key: string | null; value: string; headers: Record<string, string> }[];
}> {
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, maxWaitTimeInMs: 50 });
  const messages: { key: string | null; value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        if (value !== undefined) headers[name] = value.toString();
      messages.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers,
      });
    },
  });
  return { consumer, messages };
}

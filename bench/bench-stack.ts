import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { createKafka, defaultTopicSpecs, ensureTopics, type KafkaSettings } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { createDataSource, type DataSource } from '@gateway/persistence';
import { topicNames, type TopicNames } from '@gateway/schemas';
import { generateSecret } from '@gateway/signing';
import {
  freshDatabase,
  startInfra,
  startKafkaCluster,
  repoRoot,
  type Infra,
  type KafkaCluster,
} from '@gateway/testing';
import { brokerPids } from './support';

export interface BenchStack {
  infra: Infra | undefined;
  /** Brokers for the benchmark's own clients (load, checks): on a cluster, its PLAINTEXT internal listeners. */
  kafkaBrokers: string;
  /** The services' Kafka environment: KAFKA_BROKERS, and on a cluster SASL_SSL with its CA and SCRAM user. */
  serviceKafkaEnv: Record<string, string>;
  /**
   * Every service's environment on this stack: its Kafka, database and topic prefix, delivery to
   * the loopback receivers allowed, warnings only.
   */
  serviceEnv: Record<string, string>;
  /** One line saying which Kafka this is (nodes, the services' security, replication), for the report. */
  kafkaLayout: string;
  /** The broker processes running here, one per node, whose CPU a benchmark may report. */
  brokerPids: number[];
  databaseUrl: string;
  topics: TopicNames;
  prefix: string;
  db: DataSource;
  logDir: string;
  insertEndpoints(urls: string[], options?: { eventTypes?: string[] }): Promise<string[]>;
  stop(): Promise<void>;
}

/** BENCH_KAFKA_NODES: 1 (unset) is the single PLAINTEXT broker; more is a SASL_SSL cluster of that many nodes. */
function benchKafkaNodes(): number {
  const nodes = Number(process.env.BENCH_KAFKA_NODES ?? '1');
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new Error(
      `BENCH_KAFKA_NODES must be a whole number of nodes, 1 or more (got ${process.env.BENCH_KAFKA_NODES})`,
    );
  return nodes;
}

/**
 * Kafka + PostgreSQL for a benchmark (its own, unless KAFKA_BROKERS / DATABASE_URL are set), with
 * fresh topics and a fresh migrated database, dropped at the end: endpoints left by an earlier run
 * would otherwise receive (and fail) this run's events. With BENCH_KAFKA_NODES=3 (or more) Kafka is
 * always a fresh local cluster (ADR 0017) and PostgreSQL the benchmark's own: the services connect
 * through SASL_SSL with SCRAM-SHA-512, and the topics get replication factor 3, min ISR 2.
 */
export async function startBenchStack(name: string, partitions = 8): Promise<BenchStack> {
  const nodes = benchKafkaNodes();
  const dir = path.join(repoRoot, 'tmp', `bench-${name}`);
  let infra: Infra | undefined;
  let cluster: KafkaCluster | undefined;
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let serverUrl = process.env.DATABASE_URL;
  try {
    if (nodes > 1) {
      cluster = await startKafkaCluster({ dir: `${dir}-cluster`, nodes, fresh: true });
      infra = await startInfra({ dir, fresh: true, fast: true, only: { kafka: false, postgres: true } });
      kafkaBrokers = cluster.internalBrokers;
      serverUrl = infra.databaseUrl;
    } else if (!kafkaBrokers || !serverUrl) {
      infra = await startInfra({ dir, fresh: true, fast: true });
      kafkaBrokers = infra.kafkaBrokers;
      serverUrl = infra.databaseUrl;
    }
    return await prepare({ infra, cluster, nodes, kafkaBrokers, serverUrl, partitions });
  } catch (error) {
    // A start that fails half-way leaves no servers behind (a cluster node is a JVM with a 384 MB heap).
    await Promise.allSettled([infra?.stop(), cluster?.stop()]);
    throw error;
  }
}

/** Fresh database and topics on running servers (topics created as the services connect: SASL_SSL on a cluster). */
async function prepare(servers: {
  infra?: Infra;
  cluster?: KafkaCluster;
  nodes: number;
  kafkaBrokers: string;
  serverUrl: string;
  partitions: number;
}): Promise<BenchStack> {
  const { infra, cluster, kafkaBrokers, serverUrl } = servers;
  const serviceKafkaEnv = cluster ? cluster.serviceEnv() : { KAFKA_BROKERS: kafkaBrokers };
  const databaseUrl = await freshDatabase(serverUrl, 'bench');
  const db = createDataSource(databaseUrl, 4, 'bench');
  await db.initialize();
  const prefix = `bench${Date.now().toString(36)}.`;
  const topics = topicNames(prefix);
  const kafkaSettings: KafkaSettings = {
    brokers: serviceKafkaEnv.KAFKA_BROKERS.split(','),
    clientId: 'bench',
    logger: createLogger('bench', 'error'),
    ...(cluster && {
      ssl: { caFile: cluster.caFile },
      sasl: { mechanism: cluster.mechanism, username: cluster.username, password: cluster.password },
    }),
  };
  const kafka = createKafka(kafkaSettings);
  const replication = await ensureTopics(kafkaSettings, defaultTopicSpecs(topics, servers.partitions));
  const kafkaLayout =
    `${cluster ? `${servers.nodes}-node Kafka cluster, services over SASL_SSL (SCRAM-SHA-512)` : `${kafkaBrokers.split(',').length} Kafka broker(s), PLAINTEXT`}; ` +
    `topics RF ${replication.replicationFactor}, min ISR ${replication.minInsyncReplicas}`;
  let inserted = 0;
  return {
    infra,
    kafkaBrokers,
    serviceKafkaEnv,
    serviceEnv: {
      ...serviceKafkaEnv,
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
      LOG_LEVEL: 'warn',
    },
    kafkaLayout,
    brokerPids: brokerPids(kafkaBrokers),
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
      await db.query(
        `INSERT INTO endpoint_secrets (endpoint_id, key) SELECT unnest($1::text[]), unnest($2::text[])`,
        [ids, ids.map(() => generateSecret())],
      );
      return ids;
    },
    stop: async () => {
      // On a shared broker, this run's topics go too: a long-lived dev broker otherwise gathers
      // thousands of partitions, and its heap and pauses with them, skewing later runs.
      if (!infra) await deleteTopics(kafka, Object.values(topics));
      await db.destroy();
      await dropDatabase(serverUrl, databaseUrl);
      await Promise.all([infra?.stop(), cluster?.stop()]);
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
        if (attempt === 5)
          return void process.stderr.write(`bench: could not drop ${url}: ${(error as Error).message}\n`);
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    }
  } finally {
    await admin.destroy();
  }
}

/**
 * The day partitions of events, deliveries and attempts for the `days` before today, empty, as the
 * scheduler's maintenance keeps them under RETENTION_DAYS (ADR 0028): a look-up by id alone reads
 * one index per partition, so a fresh database (today and the week ahead) flatters it.
 */
export async function createRetainedPartitions(db: DataSource, days: number): Promise<void> {
  if (days <= 0) return;
  await db.query(`
    DO $$
    DECLARE day date; t text;
    BEGIN
      FOR day IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - ${Math.floor(days)}, (now() AT TIME ZONE 'UTC')::date - 1, '1 day')::date LOOP
        FOREACH t IN ARRAY ARRAY['events', 'deliveries', 'attempts'] LOOP
          EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
            t || '_p' || to_char(day, 'YYYYMMDD'), t, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
        END LOOP;
      END LOOP;
    END $$`);
}

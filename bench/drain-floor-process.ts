import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { Pool } from 'pg';
import { Agent, request } from 'undici';
import { BatchingProducer, createKafka, startTrackedConsumer, type TrackedMessage } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { deliveryTask, topicNames, type DeliveryTask } from '@gateway/schemas';

/**
 * The least a dispatcher can do under its contract, for `dispatcher-drain`'s floor leg: with the
 * project's own Kafka consumer loop (`startTrackedConsumer`: every message decoded and validated,
 * offsets committed only up to the oldest unfinished message), each delivery task is signed
 * (Standard Webhooks: HMAC-SHA256 of `id.timestamp.body` with a key object made once), POSTed with
 * undici (one pooled agent, 64 connections per origin, as the dispatcher sends) and its attempt
 * recorded in PostgreSQL (node-postgres, one multi-row INSERT per batch of answers, a table with
 * the attempts' columns and no index) before the message is complete, with at most a given number
 * of attempts in flight. No endpoint lookup, queues, circuit breakers, retries, metrics, tracing or
 * logging. The `webhook-id` is `floor<bound>_<delivery id>`, so a receiver farm shared with the
 * dispatcher and other floors counts each one's deliveries apart.
 * Argv: brokers, topic prefix, database URL, JSON map of endpoint id to URL, the bound on attempts
 * in flight. IPC: `ready` once the consumer joined.
 */
const [brokers, prefix, databaseUrl, urlsJson, inFlightArg] = process.argv.slice(2);
const urls = new Map(Object.entries(JSON.parse(urlsJson) as Record<string, string>));
const MAX_IN_FLIGHT = Number(inFlightArg);
/** This run's own consumer group and `webhook-id`s: several floors can read one topic in turn. */
const RUN = `floor${MAX_IN_FLIGHT}`;

interface Answered {
  message: TrackedMessage<DeliveryTask>;
  status: number;
  durationMs: number;
}

async function main(): Promise<void> {
  const logger = createLogger('bench-drain-floor', 'fatal');
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'bench-drain-floor', logger });
  const topics = topicNames(prefix);
  const producer = new BatchingProducer(kafka, topics, { lingerMs: 1 });
  await producer.connect();
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bench_floor_attempts (delivery_id text, endpoint_id text, status int, duration_ms int, created_at timestamptz DEFAULT now())`,
  );
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30000 });
  const key = createSecretKey(randomBytes(24));
  const recorder = new Recorder(pool);
  let inFlight = 0;
  // kafkajs hands partitions' batches over concurrently: every waiting batch is woken in turn.
  const waiting: (() => void)[] = [];
  const consumer = await startTrackedConsumer({
    kafka,
    producer,
    logger,
    groupId: `${prefix}drain-${RUN}`,
    topic: topics.deliveries,
    contract: deliveryTask,
    accept: async (messages) => {
      for (const message of messages) {
        while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
        inFlight++;
        void attempt(agent, key, message.value).then((answer) => {
          inFlight--;
          waiting.shift()?.();
          recorder.add({ message, ...answer });
        });
      }
    },
  });
  await consumer.joined;
  process.send?.({ kind: 'ready' });
  process.on('disconnect', () => process.exit(0));
}

/** Signs and POSTs one task; a transport failure is status 0. */
async function attempt(
  agent: Agent,
  key: KeyObject,
  task: DeliveryTask,
): Promise<{ status: number; durationMs: number }> {
  const id = `${RUN}_${task.deliveryId}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    type: task.event.type,
    timestamp: task.event.occurredAt,
    data: task.event.data,
  });
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  const started = performance.now();
  try {
    const response = await request(urls.get(task.endpointId) ?? '', {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${signature}`,
      },
      body,
    });
    await response.body.dump();
    return { status: response.statusCode, durationMs: Math.round(performance.now() - started) };
  } catch {
    return { status: 0, durationMs: Math.round(performance.now() - started) };
  }
}

/** One INSERT at a time, of every answer gathered while the one before ran; then their messages complete. */
class Recorder {
  private waiting: Answered[] = [];
  private writing = false;

  constructor(private readonly pool: Pool) {}

  add(answered: Answered): void {
    this.waiting.push(answered);
    // A failed write ends the process: the bench sees it exit instead of waiting for its drain.
    if (!this.writing)
      this.flush().catch((error: unknown) => {
        process.stderr.write(`drain floor: attempt records failed: ${String(error)}\n`);
        process.exit(1);
      });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      await this.pool.query(
        `INSERT INTO bench_floor_attempts (delivery_id, endpoint_id, status, duration_ms)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])`,
        [
          batch.map((a) => a.message.value.deliveryId),
          batch.map((a) => a.message.value.endpointId),
          batch.map((a) => a.status),
          batch.map((a) => a.durationMs),
        ],
      );
      for (const answered of batch) answered.message.complete();
    }
    this.writing = false;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`drain floor failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { EventCatalog } from '@gateway/catalog';
import { EventTypesRepository } from '@gateway/persistence';
import { freePort, startService, waitFor } from '@gateway/testing';
import { startBenchStack } from './bench-stack';
import { consumeTasks, machine, payloadOfSize } from './support';

/** The data's schema: the shape `payloadOfSize` builds, with a format and a pattern to run. */
const invoiceSchema = {
  type: 'object',
  required: ['customer', 'amount', 'currency', 'note', 'round'],
  properties: {
    customer: {
      type: 'object',
      required: ['id', 'country'],
      properties: {
        id: { type: 'string', pattern: '^cus_[a-z0-9]+$' },
        country: { type: 'string', maxLength: 2 },
      },
    },
    amount: { type: 'integer', minimum: 0 },
    currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] },
    note: { type: 'string', maxLength: 4096 },
    round: { type: 'integer' },
    sentAt: { type: 'string', format: 'date-time' },
  },
};

/**
 * The router's throughput with a schema on the events' type against none, in one run: rounds
 * alternate between a type with a schema in the catalog and a type not in it. Each round publishes
 * BENCH_CATALOG_EVENTS events as fast as Kafka takes them; its rate is events / (last task's
 * Kafka timestamp - first event's), with one endpoint subscribed to every type.
 */
export async function routerCatalog(
  events = Number(process.env.BENCH_CATALOG_EVENTS ?? 10_000),
  rounds = Number(process.env.BENCH_CATALOG_ROUNDS ?? 6),
): Promise<void> {
  const stack = await startBenchStack('router-catalog');
  await stack.insertEndpoints(['http://127.0.0.1:9/hook']);
  await new EventTypesRepository(stack.db).insert('bench.schema', {
    description: null,
    schema: invoiceSchema,
    examples: [],
    deprecated: false,
  });
  const env = {
    ...stack.serviceKafkaEnv,
    DATABASE_URL: stack.databaseUrl,
    KAFKA_TOPIC_PREFIX: stack.prefix,
    LOG_LEVEL: 'warn',
  };
  const router = await startService('router', await freePort(), env, stack.logDir);
  const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const lastTask = new Map<number, number>();
  const tasks = new Map<number, number>();
  const consumer = await consumeTasks(kafka, stack.topics.deliveries, (task, timestampMs) => {
    const { round } = task.event.data as { round: number };
    tasks.set(round, (tasks.get(round) ?? 0) + 1);
    lastTask.set(round, Math.max(lastTask.get(round) ?? 0, timestampMs));
  });
  const rates: Record<'schema' | 'none', number[]> = { schema: [], none: [] };
  // Round 0 warms the router up (JIT, connections) and is not counted.
  for (let round = 0; round <= rounds; round++) {
    const kind = round % 2 === 0 ? 'none' : 'schema';
    const data = payloadOfSize(1024, { round, sentAt: new Date().toISOString() });
    const started = Date.now();
    for (let sent = 0; sent < events; sent += 500) {
      await producer.send({
        topic: stack.topics.events,
        acks: -1,
        messages: Array.from({ length: Math.min(500, events - sent) }, (_, i) => ({
          key: `k${(sent + i) % 64}`,
          value: JSON.stringify({ type: `bench.${kind}`, id: `evt_${round}_${sent + i}`, data }),
        })),
      });
    }
    await waitFor(`round ${round}`, 120_000, () => (tasks.get(round) ?? 0) >= events);
    const rate = events / (((lastTask.get(round) ?? started) - started) / 1000);
    if (round > 0) rates[kind].push(rate);
    process.stdout.write(`  round ${round} (${kind}): ${Math.round(rate)} events/s\n`);
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [withSchema, without] = [mean(rates.schema), mean(rates.none)];
  process.stdout.write(
    `router with a schema on every event's type: ${Math.round(withSchema)} events/s; with none: ${Math.round(without)} events/s; cost ${(((without - withSchema) / without) * 100).toFixed(1)}% (${events} events a round, ${rounds} rounds alternating; ${stack.kafkaLayout}; ${machine()})\n`,
  );
  // The check alone, in this process: what each event adds to the router's work.
  const catalog = new EventCatalog();
  catalog.set([{ name: 'bench.schema', schema: invoiceSchema, updatedAt: new Date() }]);
  const data = payloadOfSize(1024, { round: 0, sentAt: new Date().toISOString() });
  const checks = 200_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < checks; i++)
    if (catalog.check('bench.schema', data)) throw new Error('the data should pass');
  const perCheckUs = Number(process.hrtime.bigint() - started) / checks / 1000;
  process.stdout.write(
    `  the check alone: ${perCheckUs.toFixed(2)} µs an event, ${((perCheckUs * without) / 1e4).toFixed(2)}% of one core at ${Math.round(without)} events/s\n`,
  );
  await consumer.disconnect();
  await producer.disconnect();
  await router.stop();
  await stack.stop();
}

import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { deliveryIdFor } from '@gateway/routing';
import type { DeliveryTask } from '@gateway/schemas';
import { startService } from '@gateway/testing';
import { freePort } from '@gateway/testing';
import { waitFor } from '@gateway/testing';
import { startBenchStack } from './bench-stack';
import {
  cpuSeconds,
  deliveryTuning,
  histogramQuantile,
  machine,
  payloadOfSize,
  startReceiverFarm,
  summarize,
} from './support';

/**
 * Dispatcher drain: a pre-filled `deliveries` topic (1 KB events) for 50 healthy local endpoints;
 * a dispatcher starts and empties it. Target: >= 8,000 deliveries/s, attempt p99 <= 20 ms.
 */
export async function dispatcherDrain(tasks = Number(process.env.BENCH_DRAIN_TASKS ?? 60000)): Promise<void> {
  const stack = await startBenchStack('drain');
  const farm = await startReceiverFarm(50);
  try {
    const endpointIds = await stack.insertEndpoints(farm.urls);
    const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const data = payloadOfSize(1024);
    const occurredAt = new Date().toISOString();
    for (let start = 0; start < tasks; start += 1000) {
      const messages = [];
      for (let i = start; i < Math.min(tasks, start + 1000); i++) {
        const endpointId = endpointIds[i % endpointIds.length];
        const eventId = `evt_drain_${i}`;
        const task: DeliveryTask = {
          deliveryId: deliveryIdFor(eventId, endpointId),
          endpointId,
          attempt: 1,
          event: { id: eventId, type: 'bench.drain', data, tenant: null, occurredAt },
          orderingKey: null,
          publishedAt: Date.now(),
        };
        messages.push({ key: endpointId, value: JSON.stringify(task) });
      }
      await producer.send({ topic: stack.topics.deliveries, acks: -1, messages });
    }
    await producer.disconnect();
    const started = Date.now();
    const dispatcher = await startService(
      'dispatcher',
      await freePort(),
      {
        ...deliveryTuning(),
        ...stack.serviceKafkaEnv,
        DATABASE_URL: stack.databaseUrl,
        KAFKA_TOPIC_PREFIX: stack.prefix,
        DELIVERY_ALLOWLIST: '127.0.0.0/8',
        LOG_LEVEL: 'warn',
      },
      stack.logDir,
    );
    const ready = Date.now();
    const cpuAtReady = await cpuSeconds(dispatcher.process.pid);
    const farmCpuAtReady = await cpuSeconds(farm.pid);
    let firstAt = 0;
    await waitFor(
      'the drain',
      600000,
      async () => {
        const stats = await farm.stats();
        if (!firstAt && stats.received > 0) firstAt = Date.now();
        return stats.unique >= tasks;
      },
      100,
    );
    const done = Date.now();
    const cpuUsed = (await cpuSeconds(dispatcher.process.pid)) - cpuAtReady;
    const farmCpuUsed = (await cpuSeconds(farm.pid)) - farmCpuAtReady;
    await waitFor(
      'attempt records',
      60000,
      async () => {
        const rows = await stack.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM attempts`);
        return rows[0].n >= tasks;
      },
      200,
    );
    const durations = (await stack.db.query<{ d: number }[]>(`SELECT duration_ms AS d FROM attempts`)).map(
      (row) => row.d,
    );
    const attempt = summarize(durations);
    const queued = (q: number) => histogramQuantile(dispatcher, 'gateway_delivery_queue_seconds', q);
    const [queuedP50, queuedP99] = [await queued(0.5), await queued(0.99)];
    await dispatcher.stop();
    const rate = tasks / ((done - ready) / 1000);
    process.stdout.write(
      [
        `dispatcher drain: ${tasks} deliveries of 1 KB to 50 endpoints`,
        `  Kafka: ${stack.kafkaLayout}`,
        `  machine: ${machine()}`,
        `  dispatcher start to ready: ${ready - started} ms; first delivery ${firstAt - ready} ms after ready`,
        `  throughput: ${rate.toFixed(0)} deliveries/s (ready -> last delivery, ${((done - ready) / 1000).toFixed(1)} s)   target >= 8000/s`,
        `  dispatcher CPU: ${((cpuUsed * 1000) / tasks).toFixed(3)} ms per delivery, ${((cpuUsed / ((done - ready) / 1000)) * 100).toFixed(0)}% of one core; receivers ${((farmCpuUsed / ((done - ready) / 1000)) * 100).toFixed(0)}% of one core`,
        `  attempt duration (the destination call alone, from the attempts table): p50 ${attempt.p50} ms, p99 ${attempt.p99} ms, max ${attempt.max} ms   target p99 <= 25 ms`,
        `  queueing before an attempt (gateway_delivery_queue_seconds, bucket bounds): p50 <= ${queuedP50} ms, p99 <= ${queuedP99} ms`,
        '',
      ].join('\n'),
    );
  } finally {
    farm.stop();
    await stack.stop();
  }
}

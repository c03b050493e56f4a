import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startService } from '@gateway/testing';
import { freePort } from '@gateway/testing';
import { waitFor } from '@gateway/testing';
import { startBenchStack } from './bench-stack';
import { consumeTasks, machine, payloadOfSize, summarize } from './support';

/** Router hop only: publish -> delivery task on the deliveries topic (Kafka timestamps). */
export async function routerProbe(
  rate = Number(process.env.BENCH_E2E_RATE ?? 500),
  seconds = Number(process.env.BENCH_E2E_SECONDS ?? 10),
): Promise<void> {
  const stack = await startBenchStack('router');
  const env = {
    ...stack.serviceKafkaEnv,
    DATABASE_URL: stack.databaseUrl,
    KAFKA_TOPIC_PREFIX: stack.prefix,
    LOG_LEVEL: 'warn',
  };
  await stack.insertEndpoints(['http://127.0.0.1:9/hook']);
  const router = await startService('router', await freePort(), env, stack.logDir);
  const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const lat: number[] = [];
  const consumer = await consumeTasks(kafka, stack.topics.deliveries, (task, timestampMs) =>
    lat.push(timestampMs - (task.event.data as { sentAt: number }).sentAt),
  );
  const template = payloadOfSize(1024, { sentAt: 0 });
  const perTick = rate / 100;
  const total = rate * seconds;
  for (let sent = 0; sent < total; sent += perTick) {
    const now = Date.now();
    await producer.send({
      topic: stack.topics.events,
      acks: -1,
      messages: Array.from({ length: perTick }, (_, i) => ({
        value: JSON.stringify({ type: 'probe', id: `evt_p_${sent + i}`, data: { ...template, sentAt: now } }),
      })),
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10 - (Date.now() - now))));
  }
  await waitFor('all tasks', 60000, () => lat.length >= total).catch(() => undefined);
  const s = summarize(lat);
  process.stdout.write(
    `router hop at ${rate}/s: n=${s.n}/${total} p50 ${s.p50} ms p99 ${s.p99} ms max ${s.max} ms  (${stack.kafkaLayout}; ${machine()})\n`,
  );
  await consumer.disconnect();
  await producer.disconnect();
  await router.stop();
  await stack.stop();
}

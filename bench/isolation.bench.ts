import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { deliveryIdFor } from '@gateway/routing';
import type { DeliveryTask } from '@gateway/schemas';
import { freePort, startService, waitFor } from '@gateway/testing';
import { startBenchStack, type BenchStack } from './bench-stack';
import {
  deliveryTuning,
  machine,
  metricValue,
  p99Timeline,
  payloadOfSize,
  startReceiverFarm,
  summarize,
  type ReceiverFarm,
} from './support';

interface PhaseFigures {
  offered: number;
  /** Deliveries the healthy endpoints received by the end of the phase (publishing time + 2 s). */
  deliveredInTime: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** p99 (ms) of the deliveries sent in each 2 s of the phase: shows when the tail happened. */
  timeline: number[];
}

/**
 * Isolation: delivery tasks for 20 endpoints at a fixed total rate go straight to
 * `webhooks.deliveries` (the dispatcher is what isolates; the router is measured elsewhere). First
 * all 20 are healthy (the baseline), then, on 20 other endpoints, one hangs until the 15 s timeout
 * and one answers 500. Compared on the 18 endpoints that are healthy in both phases: throughput
 * (target >= 98 % of the baseline) and publish -> receiver p99 (target <= 1.5 x the baseline), and
 * the dispatcher's heap (the bad endpoints' queues are capped by DELIVERY_QUEUE_PER_ENDPOINT).
 */
export async function isolation(
  rate = Number(process.env.BENCH_ISOLATION_RATE ?? 2000),
  seconds = Number(process.env.BENCH_ISOLATION_SECONDS ?? 30),
): Promise<void> {
  const stack = await startBenchStack('isolation');
  const baselineFarm = await startReceiverFarm(20);
  const healthyFarm = await startReceiverFarm(18);
  const hanging = await startReceiverFarm(1, 'hang');
  const failing = await startReceiverFarm(1, 'fail');
  const farms = [baselineFarm, healthyFarm, hanging, failing];
  const env = {
    ...deliveryTuning(),
    ...stack.serviceEnv,
    DELIVERY_TIMEOUT_MS: '15000',
  };
  const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    const baselineIds = await stack.insertEndpoints(baselineFarm.urls);
    const faultIds = await stack.insertEndpoints([...healthyFarm.urls, ...hanging.urls, ...failing.urls]);
    const dispatcher = await startService('dispatcher', await freePort(), env, stack.logDir);
    await producer.connect();
    // Warm-up on the baseline endpoints, not measured.
    await publishAtRate(stack, producer, baselineIds, rate, 5, 'warmup');
    await waitFor(
      'warm-up delivered',
      60000,
      async () => (await baselineFarm.stats()).unique >= rate * 5,
      200,
    );
    // The same warm-up for the faulty phase's healthy endpoints: their receivers and connections
    // would otherwise start cold, and the comparison would measure that instead of the faults.
    await publishAtRate(
      stack,
      producer,
      faultIds.slice(0, healthyFarm.urls.length),
      rate,
      5,
      'warmup-healthy',
    );
    await waitFor(
      'healthy warm-up delivered',
      60000,
      async () => (await healthyFarm.stats()).unique >= rate * 5,
      200,
    );
    const heapBefore = await metricValue(dispatcher, 'gateway_nodejs_heap_size_used_bytes');
    const baseline = await phase(stack, producer, baselineIds, baselineFarm, rate, seconds, 'base', 18);
    const faulty = await phase(stack, producer, faultIds, healthyFarm, rate, seconds, 'fault', 18);
    const heapAfter = await metricValue(dispatcher, 'gateway_nodejs_heap_size_used_bytes');
    const [hangStats, failStats] = [await hanging.stats(), await failing.stats()];
    const deferred = await countLines(
      dispatcher.url,
      /^gateway_deliveries_total\{outcome="(retry-scheduled|deferred)"\}/,
    );
    await dispatcher.stop();
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    process.stdout.write(
      [
        `isolation: 20 endpoints, ${rate} deliveries/s in all for ${seconds} s per phase, 1 KB events, tasks straight to webhooks.deliveries`,
        `  Kafka: ${stack.kafkaLayout}`,
        `  machine: ${machine()}`,
        `  no fault (baseline), 18 of 20 healthy endpoints: ${describe(baseline)}`,
        `  one hanging (15 s timeout), one failing (500): the 18 healthy: ${describe(faulty)}`,
        `  healthy throughput kept: ${((faulty.perSecond / baseline.perSecond) * 100).toFixed(1)} % of the baseline (target >= 98 %); p99 ${(faulty.p99 / baseline.p99).toFixed(2)} x the baseline (target <= 1.5 x)`,
        `  bad endpoints: hanging one got ${hangStats.received} requests, failing one ${failStats.received}; tasks handed to the retry topic: ${deferred}`,
        `  dispatcher heap used: ${mib(heapBefore)} MiB before, ${mib(heapAfter)} MiB after the faulty phase (the queue of one endpoint is capped at DELIVERY_QUEUE_PER_ENDPOINT tasks, 10,000 by default)`,
        '',
      ].join('\n'),
    );
  } finally {
    await producer.disconnect();
    for (const farm of farms) farm.stop();
    await stack.stop();
  }
}

async function phase(
  stack: BenchStack,
  producer: Producer,
  endpointIds: string[],
  healthy: ReceiverFarm,
  rate: number,
  seconds: number,
  label: string,
  healthyCount: number,
): Promise<PhaseFigures> {
  const start = (await healthy.stats()).unique; // also drops earlier latencies
  const started = Date.now();
  await publishAtRate(stack, producer, endpointIds, rate, seconds, label);
  const offered = Math.round((rate * seconds * healthyCount) / endpointIds.length);
  const remaining = started + seconds * 1000 + 2000 - Date.now();
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  const stats = await healthy.stats();
  const deliveredInTime = Math.min(offered, stats.unique - start);
  const summary = summarize(stats.latencies);
  const timeline = p99Timeline(stats, started);
  return {
    offered,
    deliveredInTime,
    perSecond: deliveredInTime / seconds,
    p50: summary.p50,
    p99: summary.p99,
    timeline,
  };
}

/** Tasks spread evenly over the endpoints, in 10 ms ticks, each stamped with its send time. */
async function publishAtRate(
  stack: BenchStack,
  producer: Producer,
  endpointIds: string[],
  rate: number,
  seconds: number,
  label: string,
): Promise<void> {
  const data = payloadOfSize(1024, { sentAt: 0 });
  const perTick = Math.max(1, Math.round(rate / 100));
  const total = perTick * seconds * 100;
  const inflight = new Set<Promise<unknown>>();
  const started = Date.now();
  for (let sent = 0, tick = 0; sent < total; tick++) {
    const wait = started + tick * 10 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const now = Date.now();
    const messages = [];
    for (let i = 0; i < perTick && sent < total; i++, sent++) {
      const endpointId = endpointIds[sent % endpointIds.length];
      const eventId = `evt_${label}_${sent}`;
      const task: DeliveryTask = {
        deliveryId: deliveryIdFor(eventId, endpointId),
        endpointId,
        attempt: 1,
        event: {
          id: eventId,
          type: 'bench.isolation',
          data: { ...data, sentAt: now },
          tenant: null,
          occurredAt: new Date(now).toISOString(),
        },
        orderingKey: null,
        publishedAt: now,
      };
      messages.push({ key: endpointId, value: JSON.stringify(task) });
    }
    const send = producer.send({ topic: stack.topics.deliveries, acks: -1, messages });
    inflight.add(send);
    void send.finally(() => inflight.delete(send));
  }
  await Promise.all(inflight);
}

function describe(figures: PhaseFigures): string {
  return `${figures.deliveredInTime} of ${figures.offered} delivered within the phase (${figures.perSecond.toFixed(0)}/s), publish -> receiver p50 ${figures.p50} ms, p99 ${figures.p99} ms\n    p99 of each 2 s: ${figures.timeline.join(' ')}`;
}

async function countLines(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

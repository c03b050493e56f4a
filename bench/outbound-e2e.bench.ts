import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startService } from '@gateway/testing';
import { freePort } from '@gateway/testing';
import { waitFor } from '@gateway/testing';
import { createRetainedPartitions, startBenchStack } from './bench-stack';
import {
  brokersOnPath,
  databasePort,
  deliveryTuning,
  listenerPid,
  machine,
  p99Timeline,
  PathCpu,
  payloadOfSize,
  startReceiverFarm,
  stopBench,
  summarize,
} from './support';

/** Publish -> delivery task written (the task's Kafka timestamp), for the events of the measured phase. */
async function readRouterLeg(
  kafka: Kafka,
  deliveriesTopic: string,
): Promise<{ latencies: number[]; stop(): Promise<void> }> {
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `bench-e2e-tasks-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: deliveriesTopic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const sentAt = /"sentAt":(\d+)/.exec(message.value?.toString() ?? '')?.[1];
      if (sentAt && message.value?.includes('bench.e2e.'))
        latencies.push(Number(message.timestamp) - Number(sentAt));
    },
  });
  return { latencies, stop: () => consumer.disconnect() };
}

/**
 * End to end, publish -> receiver: events of 1 KB published to `webhooks.events` at a fixed rate by
 * a bare Kafka client after a warm-up at the same rate, routed and delivered to one local endpoint. Latency is the receiver's clock
 * minus the `sentAt` the publisher put in the event. Target at 2,000/s for 60 s: p50 <= 10 ms,
 * p99 <= 50 ms, nothing lost.
 */
export async function outboundEndToEnd(
  rate = Number(process.env.BENCH_E2E_RATE ?? 2000),
  seconds = Number(process.env.BENCH_E2E_SECONDS ?? 60),
  warmupSeconds = Number(process.env.BENCH_E2E_WARMUP_SECONDS ?? 15),
  endpoints = Number(process.env.BENCH_E2E_ENDPOINTS ?? 1),
  // BENCH_E2E_FANOUT=1: every event to every endpoint (fan-out); otherwise each event to one of them.
  fanout = process.env.BENCH_E2E_FANOUT === '1',
): Promise<void> {
  /** Deliveries per event. */
  const perEvent = fanout ? endpoints : 1;
  /** The type suffix of event number n, which the endpoints' subscriptions select by. */
  const suffix = (n: number): number => (fanout ? 0 : n % endpoints);
  const stack = await startBenchStack('e2e');
  // The database as 30 days of retention leave it (BENCH_E2E_RETAINED_DAYS=0: fresh, today and the
  // week ahead only), so that look-ups read the partitions a production database has.
  const retainedDays = Number(process.env.BENCH_E2E_RETAINED_DAYS ?? 30);
  await createRetainedPartitions(stack.db, retainedDays);
  const farm = await startReceiverFarm(endpoints);
  const env = {
    ...deliveryTuning(),
    ...stack.serviceEnv,
  };
  const services = [] as Awaited<ReturnType<typeof startService>>[];
  try {
    // Endpoint i subscribes to the events numbered i modulo the endpoint count (one delivery per
    // event), or with fan-out every endpoint to every event.
    for (const [i, url] of farm.urls.entries()) {
      const n = fanout ? 0 : i;
      await stack.insertEndpoints([url], { eventTypes: [`bench.warmup.${n}`, `bench.e2e.${n}`] });
    }
    services.push(await startService('router', await freePort(), env, stack.logDir));
    services.push(await startService('dispatcher', await freePort(), env, stack.logDir));
    // Tasks a full endpoint queue defers come back through the scheduler: late, not lost.
    services.push(await startService('scheduler', await freePort(), env, stack.logDir));
    const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // BENCH_E2E_ROUTER_LEG=1: the router's leg alone too (one more consumer, which takes CPU from the rest).
    const routerLeg =
      process.env.BENCH_E2E_ROUTER_LEG === '1'
        ? await readRouterLeg(kafka, stack.topics.deliveries)
        : undefined;
    const template = payloadOfSize(1024, { sentAt: 0 });
    const tickMs = 10;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    let failures = 0;
    /** Publishes `total` events at the rate (or `eventsPerTick`), in 10 ms ticks, each stamped with its send time. */
    const publishAtRate = async (type: string, total: number, eventsPerTick = perTick): Promise<number> => {
      let sent = 0;
      const inflight = new Set<Promise<unknown>>();
      const startedAt = Date.now();
      for (let tick = 0; sent < total; tick++) {
        const wait = startedAt + tick * tickMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const now = Date.now();
        const messages = [];
        for (let i = 0; i < eventsPerTick && sent < total; i++, sent++) {
          messages.push({
            value: JSON.stringify({
              type: `${type}.${suffix(sent)}`,
              id: `evt_${type}_${sent}`,
              data: { ...template, sentAt: now, n: sent },
            }),
          });
        }
        const send = producer
          .send({ topic: stack.topics.events, acks: -1, messages })
          .catch(() => (failures += messages.length));
        inflight.add(send);
        void send.finally(() => inflight.delete(send));
      }
      await Promise.all(inflight);
      return (Date.now() - startedAt) / 1000;
    };
    // Warm-up, not measured: connections, consumer fetches and the JIT settle first. 15 s: after 5 s,
    // the first 4-6 s of the measured phase still had p99s of 240-670 ms at 1,000/s. At the rate, but
    // at least 1,000 deliveries/s: a fresh broker's JVM compiles its hot paths over tens of thousands
    // of requests, and after 5 s at 250/s the hops leg's broker still cost about twice its steady CPU
    // per event (ADR 0015).
    const warmDeliveriesPerSecond = 1000;
    const warmPerTick = Math.max(perTick, Math.ceil((warmDeliveriesPerSecond * tickMs) / 1000 / perEvent));
    const warmups = warmPerTick * Math.round((warmupSeconds * 1000) / tickMs);
    await publishAtRate('bench.warmup', warmups, warmPerTick);
    await waitFor(
      'warm-up delivered',
      120000,
      async () => (await farm.stats()).unique >= warmups * perEvent,
      200,
    );
    const total = perTick * Math.round((seconds * 1000) / tickMs);
    // CPU from the first measured event to the last delivery, of every process on the path (no api:
    // the load generator, this process, produces to the events topic itself).
    const cpu = new PathCpu([
      brokersOnPath(stack.brokerPids),
      { name: 'PostgreSQL', pids: [listenerPid(databasePort(stack.databaseUrl))], tree: true },
      ...['router', 'dispatcher', 'scheduler'].map((name, i) => ({ name, pids: [services[i].process.pid] })),
      { name: 'receiver', pids: [farm.pid] },
      { name: 'load generator', pids: [], self: true },
    ]);
    const cpuBefore = await cpu.sample();
    const publishedFrom = Date.now();
    const publishSeconds = await publishAtRate('bench.e2e', total);
    const latencies: number[] = [];
    const sentAts: number[] = [];
    let unique = 0;
    // Bounded wait: whatever has not arrived by then is reported as missing, not waited for.
    await waitFor(
      'every event delivered',
      120000,
      async () => {
        const stats = await farm.stats();
        latencies.push(...stats.latencies);
        sentAts.push(...stats.sentAts);
        unique = stats.unique - warmups * perEvent;
        return unique >= total * perEvent;
      },
      200,
    ).catch(() => undefined);
    const [cpuAfter, measuredSeconds] = [await cpu.sample(), (Date.now() - publishedFrom) / 1000];
    await producer.disconnect();
    await routerLeg?.stop();
    const counter = async (service: (typeof services)[number], pattern: RegExp) =>
      (await (await fetch(`${service.url}/metrics`)).text())
        .split('\n')
        .filter((line) => pattern.test(line))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    const routed = await counter(services[0], /^gateway_deliveries_emitted_total /);
    const dispatched = await counter(services[1], /^gateway_deliveries_total\{/);
    const outcomes = (await (await fetch(`${services[1].url}/metrics`)).text())
      .split('\n')
      .filter((line) => line.startsWith('gateway_deliveries_total{'))
      .join('; ');
    const summary = summarize(latencies);
    const router = summarize(routerLeg?.latencies ?? []);
    process.stdout.write(
      [
        `outbound end to end: ${total} events of 1 KB at ${rate}/s for ${seconds} s (published in ${publishSeconds.toFixed(1)} s), ${endpoints} endpoint(s), each event to ${fanout ? `all (fan-out: ${rate * perEvent} deliveries/s)` : 'one'}`,
        `  Kafka: ${stack.kafkaLayout}; PostgreSQL with the day partitions of ${retainedDays} retained days`,
        `  machine: ${machine()}`,
        `  delivered: ${unique} of ${total * perEvent} unique deliveries after ${warmups} warm-up events (missing after the wait: ${total * perEvent - unique}, publish failures: ${failures}); router emitted ${routed} tasks, dispatcher finished ${dispatched} (${outcomes})`,
        `  publish -> receiver latency: p50 ${summary.p50} ms, p99 ${summary.p99} ms, max ${summary.max} ms (n=${summary.n})   target p50 <= 10 ms, p99 <= 50 ms`,
        `    p99 of each 2 s: ${p99Timeline({ latencies, sentAts }, publishedFrom).join(' ')}`,
        `  CPU per ${fanout ? 'delivery' : 'delivered event'} (and % of one core), first measured event to last delivery (${measuredSeconds.toFixed(1)} s)   target at 250/s: whole machine <= 2 ms`,
        `    ${PathCpu.report(cpuBefore, cpuAfter, unique, measuredSeconds)}`,
        ...(router.n > 0
          ? [
              `    of which publish -> delivery task written (router leg, from the task's Kafka timestamp): p50 ${router.p50} ms, p99 ${router.p99} ms (n=${router.n})`,
            ]
          : []),
        '',
      ].join('\n'),
    );
  } finally {
    await stopBench({ services, farm, stack });
  }
}

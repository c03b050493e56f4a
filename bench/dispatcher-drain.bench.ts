import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { DeliveriesRepository } from '@gateway/persistence';
import { deliveryIdFor } from '@gateway/routing';
import type { DeliveryTask } from '@gateway/schemas';
import { startService } from '@gateway/testing';
import { freePort } from '@gateway/testing';
import { waitFor } from '@gateway/testing';
import { createRetainedPartitions, startBenchStack, type BenchStack } from './bench-stack';
import { undiciLeg } from './machine-ceiling.bench';
import {
  brokersOnPath,
  databasePort,
  deliveryTuning,
  forkReady,
  histogramQuantile,
  listenerPid,
  machine,
  PathCpu,
  payloadOfSize,
  startReceiverFarm,
  summarize,
  type PathProcess,
  type ReceiverFarm,
} from './support';

/**
 * Dispatcher drain: a pre-filled `deliveries` topic (1 KB events) for 50 healthy local endpoints,
 * emptied three ways in one run, so that each figure reads as a ratio of the others:
 * - undici alone POSTing to 50 receivers (`machine-ceiling`'s leg: no Kafka, no PostgreSQL);
 * - the floor (drain-floor-process.ts): the least a dispatcher can do under its contract, with the
 *   project's Kafka consumer, undici and one PostgreSQL INSERT per batch of attempts;
 * - the dispatcher.
 * The floor and the dispatcher read the same topic in consumer groups of their own, the floor
 * first. Issue 23's targets: the dispatcher at >= 70 % of undici alone, attempt p99 <= 25 ms.
 * `BENCH_FLOOR_IN_FLIGHT` lists the floor's bounds on attempts in flight (a floor leg each, 256 by
 * default): what bounded admission costs in throughput and gives in attempt time, with no gateway
 * code. `BENCH_DRAIN_DISPATCHER=0` leaves the dispatcher out.
 */
export async function dispatcherDrain(tasks = Number(process.env.BENCH_DRAIN_TASKS ?? 60000)): Promise<void> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`dispatcher drain: ${tasks} deliveries of 1 KB to 50 endpoints`);
  print(`  machine: ${machine()}`);
  const undiciRate = await undiciLeg(print, Number(process.env.BENCH_CEILING_POSTS ?? 30000));
  const stack = await startBenchStack('drain');
  const farm = await startReceiverFarm(50);
  try {
    print(`  Kafka: ${stack.kafkaLayout}`);
    const endpointIds = await stack.insertEndpoints(farm.urls);
    await fillDeliveries(stack, endpointIds, tasks);
    const onPath = [
      brokersOnPath(stack.brokerPids),
      { name: 'PostgreSQL', pids: [listenerPid(databasePort(stack.databaseUrl))], tree: true },
      { name: 'receivers', pids: [farm.pid] },
    ];
    const share = (value: number, of: number) => `${((value / of) * 100).toFixed(0)}%`;
    let floorRate = 0;
    for (const inFlight of (process.env.BENCH_FLOOR_IN_FLIGHT ?? '256').split(',').map(Number)) {
      floorRate = await floorLeg(print, stack, farm, { endpointIds, tasks, inFlight }, onPath);
      print(`    the floor with ${inFlight} in flight: ${share(floorRate, undiciRate)} of undici alone`);
    }
    if (process.env.BENCH_DRAIN_DISPATCHER === '0') return;
    const rate = await dispatcherLeg(print, stack, farm, tasks, onPath);
    print(
      `  dispatcher: ${share(rate, undiciRate)} of undici alone (target >= 70%), ${share(rate, floorRate)} of the (last) floor`,
    );
  } finally {
    farm.stop();
    await stack.stop();
  }
}

/**
 * The deliveries topic filled with `tasks` tasks of 1 KB, spread over the endpoints in turn, as the
 * router leaves them: each event and delivery recorded first (`recordAndClaim`, in the day
 * partitions of 30 retained days) and each task carrying its delivery's accepted time, so that the
 * attempts are recorded in the partitions of that time, as in production (ADR 0032).
 */
async function fillDeliveries(stack: BenchStack, endpointIds: string[], tasks: number): Promise<void> {
  await createRetainedPartitions(stack.db, 30);
  const deliveries = new DeliveriesRepository(stack.db);
  const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const data = payloadOfSize(1024);
  const occurredAt = new Date().toISOString();
  for (let start = 0; start < tasks; start += 1000) {
    const batch: DeliveryTask[] = [];
    for (let i = start; i < Math.min(tasks, start + 1000); i++) {
      const endpointId = endpointIds[i % endpointIds.length];
      const eventId = `evt_drain_${i}`;
      batch.push({
        deliveryId: deliveryIdFor(eventId, endpointId),
        endpointId,
        attempt: 1,
        event: { id: eventId, type: 'bench.drain', data, tenant: null, occurredAt },
        orderingKey: null,
        publishedAt: Date.now(),
      });
    }
    const now = new Date().toISOString();
    const recorded = await deliveries.recordAndClaim(
      batch.map(({ event }) => ({ ...event, receivedAt: now })),
      batch.map((task) => ({
        id: task.deliveryId,
        eventId: task.event.id,
        endpointId: task.endpointId,
        claimedBy: 'bench-drain',
        createdAt: now,
      })),
    );
    const messages = batch.map((task) => ({
      key: task.endpointId,
      value: JSON.stringify({ ...task, acceptedAt: recorded.get(task.deliveryId)?.getTime() }),
    }));
    await producer.send({ topic: stack.topics.deliveries, acks: -1, messages });
  }
  await producer.disconnect();
}

type OnPath = PathProcess[];

/**
 * A floor process drains the topic (a consumer group and `webhook-id`s of its own, so the farm
 * counts it apart); resolves with its rate (ready -> last delivery).
 */
async function floorLeg(
  print: (line: string) => void,
  stack: BenchStack,
  farm: ReceiverFarm,
  run: { endpointIds: string[]; tasks: number; inFlight: number },
  onPath: OnPath,
): Promise<number> {
  const { endpointIds, tasks, inFlight } = run;
  const urls = JSON.stringify(Object.fromEntries(endpointIds.map((id, i) => [id, farm.urls[i]])));
  const seen = (await farm.stats()).unique;
  const { child: floor } = await forkReady('drain-floor-process', [
    stack.kafkaBrokers,
    stack.prefix,
    stack.databaseUrl,
    urls,
    String(inFlight),
  ]);
  try {
    const cpu = new PathCpu([{ name: 'floor process', pids: [floor.pid] }, ...onPath]);
    const before = await cpu.sample();
    const ready = Date.now();
    await waitFor(
      'the floor drain',
      600000,
      async () => {
        // A floor that failed (its attempt records, say) ends the leg at once, not at the deadline.
        if (floor.exitCode !== null) throw new Error(`drain-floor-process exited with ${floor.exitCode}`);
        return (await farm.stats()).unique - seen >= tasks;
      },
      100,
    );
    const seconds = (Date.now() - ready) / 1000;
    const after = await cpu.sample();
    await waitFor('the floor attempt records', 60000, async () => {
      const rows = await stack.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM bench_floor_attempts`,
      );
      return rows[0].n >= tasks;
    });
    const durations = await stack.db.query<{ d: number }[]>(
      `SELECT duration_ms AS d FROM bench_floor_attempts`,
    );
    const attempt = summarize(durations.map((row) => row.d));
    await stack.db.query(`TRUNCATE bench_floor_attempts`);
    const rate = tasks / seconds;
    print(
      `  floor (the project's Kafka consumer, HMAC, undici with at most ${inFlight} in flight, one INSERT per batch of attempts; no gateway code): ${rate.toFixed(0)} deliveries/s (${seconds.toFixed(1)} s); attempt p50 ${attempt.p50} ms, p99 ${attempt.p99} ms`,
    );
    print(`    CPU per delivery (and % of one core): ${PathCpu.report(before, after, tasks, seconds)}`);
    return rate;
  } finally {
    floor.kill();
  }
}

/** The dispatcher drains the topic (after the floors: the farm counts from what it holds then). */
async function dispatcherLeg(
  print: (line: string) => void,
  stack: BenchStack,
  farm: ReceiverFarm,
  tasks: number,
  onPath: OnPath,
): Promise<number> {
  const seen = (await farm.stats()).unique;
  const started = Date.now();
  const dispatcher = await startService(
    'dispatcher',
    await freePort(),
    { ...deliveryTuning(), ...stack.serviceEnv },
    stack.logDir,
  );
  const ready = Date.now();
  const cpu = new PathCpu([{ name: 'dispatcher', pids: [dispatcher.process.pid] }, ...onPath]);
  const before = await cpu.sample();
  let firstAt = 0;
  await waitFor(
    'the drain',
    600000,
    async () => {
      const stats = await farm.stats();
      if (!firstAt && stats.unique > seen) firstAt = Date.now();
      return stats.unique - seen >= tasks;
    },
    100,
  );
  const seconds = (Date.now() - ready) / 1000;
  const after = await cpu.sample();
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
  // Where in the drain the tail is: the p99 of the attempts started in each second.
  const timeline = await stack.db.query<{ p99: number }[]>(
    `SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99 FROM attempts
     GROUP BY date_trunc('second', started_at) ORDER BY date_trunc('second', started_at)`,
  );
  const queued = (q: number) => histogramQuantile(dispatcher, 'gateway_delivery_queue_seconds', q);
  const [queuedP50, queuedP99] = [await queued(0.5), await queued(0.99)];
  await dispatcher.stop();
  const rate = tasks / seconds;
  print(
    [
      `  dispatcher start to ready: ${ready - started} ms; first delivery ${firstAt - ready} ms after ready`,
      `  dispatcher: ${rate.toFixed(0)} deliveries/s (ready -> last delivery, ${seconds.toFixed(1)} s)`,
      `    CPU per delivery (and % of one core): ${PathCpu.report(before, after, tasks, seconds)}`,
      `    attempt duration (the destination call alone, from the attempts table): p50 ${attempt.p50} ms, p99 ${attempt.p99} ms, max ${attempt.max} ms   target p99 <= 25 ms`,
      `      p99 of the attempts started in each second: ${timeline.map((row) => row.p99).join(' ')}`,
      `    queueing before an attempt (gateway_delivery_queue_seconds, bucket bounds): p50 <= ${queuedP50} ms, p99 <= ${queuedP99} ms`,
    ].join('\n'),
  );
  return rate;
}

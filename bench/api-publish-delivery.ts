import type { ChildProcess } from 'node:child_process';
import { freePort, startService, waitFor } from '@gateway/testing';
import { serveEvents, startHops } from './kafka-hops';
import { publishRound } from './publish-round';
import { startBenchStack } from './bench-stack';
import {
  brokersOnPath,
  databasePort,
  deliveryTuning,
  listenerPid,
  machine,
  PathCpu,
  startReceiverFarm,
  stopBench,
  summarize,
  type ReceiverFarm,
  warmupSeconds,
} from './support';

/** Waits (bounded) until the receiver holds `expected` unique events; its count then, and the wait in ms. */
async function drained(farm: ReceiverFarm, expected: number, timeoutMs: number): Promise<[number, number]> {
  const started = Date.now();
  let unique = 0;
  await waitFor(
    'delivery drained',
    timeoutMs,
    async () => (unique = (await farm.stats()).unique) >= expected,
    100,
  ).catch(() => undefined);
  return [unique, Date.now() - started];
}

/**
 * `api-publish`'s closed loop with delivery running (issue 23): `concurrency` callers
 * `POST /v1/events` for `seconds` while the router, dispatcher and scheduler deliver every event to
 * one local receiver. Prints accepted/s, call p50/p99, whether delivery kept up (delivered by the
 * end of the loop, the lag then, and how long the rest took to arrive, within a bounded wait), and
 * the CPU per accepted event of the whole machine and of every process on the path. Then, unless
 * BENCH_API_FLOOR=0, the same loop against the floor on a stack of its own (`publishFloor`).
 */
export async function publishWithDelivery(
  seconds = Number(process.env.BENCH_API_DELIVERY_SECONDS ?? 20),
  concurrency = Number(process.env.BENCH_API_DELIVERY_CONCURRENCY ?? 64),
  drainSeconds = Number(process.env.BENCH_API_DRAIN_SECONDS ?? 60),
): Promise<void> {
  const stack = await startBenchStack('api-delivery');
  const farm = await startReceiverFarm(1);
  const token = `bench-admin-${Date.now()}-token`;
  const env = {
    ...deliveryTuning(),
    ...stack.serviceEnv,
    ADMIN_TOKEN: token,
  };
  const services = [] as Awaited<ReturnType<typeof startService>>[];
  try {
    await stack.insertEndpoints(farm.urls);
    for (const name of ['api', 'router', 'dispatcher', 'scheduler'] as const)
      services.push(await startService(name, await freePort(), env, stack.logDir));
    const api = services[0];
    const warm = await publishRound(api.url, token, concurrency, warmupSeconds());
    const [warmDelivered] = await drained(farm, warm.accepted, drainSeconds * 1000);
    const cpu = new PathCpu([
      ...['api', 'router', 'dispatcher', 'scheduler'].map((name, i) => ({
        name,
        pids: [services[i].process.pid],
      })),
      brokersOnPath(stack.brokerPids),
      { name: 'PostgreSQL', pids: [listenerPid(databasePort(stack.databaseUrl))], tree: true },
      { name: 'receiver', pids: [farm.pid] },
      { name: 'callers (this process)', pids: [], self: true },
    ]);
    const before = await cpu.sample();
    const round = await publishRound(api.url, token, concurrency, seconds);
    const atEnd = (await farm.stats()).unique - warmDelivered;
    const lag = round.accepted - atEnd;
    const [unique, waitedMs] = await drained(farm, warmDelivered + round.accepted, drainSeconds * 1000);
    const after = await cpu.sample();
    const delivered = unique - warmDelivered;
    const calls = summarize(round.latencies);
    const kept =
      delivered >= round.accepted
        ? `drained ${(waitedMs / 1000).toFixed(1)} s after the loop`
        : `NOT drained: ${round.accepted - delivered} missing after the bounded wait of ${drainSeconds} s`;
    process.stdout.write(
      [
        `api-publish with delivery: POST /v1/events, ${concurrency} callers, closed loop for ${seconds} s, router + dispatcher + scheduler delivering to 1 local endpoint`,
        `  Kafka: ${stack.kafkaLayout}`,
        `  machine: ${machine()}`,
        `  accepted ${(round.accepted / seconds).toFixed(0)}/s (${round.accepted}, failed ${round.failed}); call p50 ${calls.p50.toFixed(1)} ms, p99 ${calls.p99.toFixed(1)} ms   target >= 2,000/s, p99 <= 50 ms`,
        `  delivery: ${atEnd} delivered by the end of the loop (lag ${lag} events, ${((lag / round.accepted) * seconds).toFixed(1)} s of accepting); ${kept}   target: keeps up`,
        `  CPU per accepted event (and % of one core), loop and drain (${((seconds * 1000 + waitedMs) / 1000).toFixed(1)} s)`,
        `    ${PathCpu.report(before, after, round.accepted, seconds + waitedMs / 1000)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await stopBench({ services, farm, stack });
  }
  if (process.env.BENCH_API_FLOOR !== '0') await publishFloor(seconds, concurrency, drainSeconds);
}

/**
 * The publishing path's floor, in the same run: the same closed loop against the least a publishing
 * gateway can do with the project's clients and no gateway code (kafka-hops-process.ts: an HTTP
 * front that answers 202 once the event is on the events topic, then three Kafka hops and one
 * undici POST to a local receiver). Accepted/s, call p50/p99, and the CPU per accepted event of
 * the whole machine and of each process: what this machine allows the api's target.
 */
async function publishFloor(seconds: number, concurrency: number, drainSeconds: number): Promise<void> {
  const stack = await startBenchStack('api-floor');
  const farm = await startReceiverFarm(1);
  let child: ChildProcess | undefined;
  try {
    child = await startHops(stack.kafkaBrokers, stack.prefix, farm.urls[0]);
    const url = await serveEvents(child);
    const warm = await publishRound(url, 'none', concurrency, warmupSeconds());
    const [warmDelivered] = await drained(farm, warm.accepted, drainSeconds * 1000);
    const cpu = new PathCpu([
      { name: 'floor process (HTTP front, producer, 3 consumers, undici)', pids: [child.pid] },
      brokersOnPath(stack.brokerPids),
      { name: 'receiver', pids: [farm.pid] },
      { name: 'callers (this process)', pids: [], self: true },
    ]);
    const before = await cpu.sample();
    const round = await publishRound(url, 'none', concurrency, seconds);
    const [unique, waitedMs] = await drained(farm, warmDelivered + round.accepted, drainSeconds * 1000);
    const after = await cpu.sample();
    const calls = summarize(round.latencies);
    process.stdout.write(
      [
        `  floor (HTTP front -> Kafka, acks=all -> three Kafka hops -> one undici POST; the project's clients, no gateway code), same loop:`,
        `    accepted ${(round.accepted / seconds).toFixed(0)}/s (${round.accepted}, failed ${round.failed}); call p50 ${calls.p50.toFixed(1)} ms, p99 ${calls.p99.toFixed(1)} ms; delivered ${unique - warmDelivered}, the last ${(waitedMs / 1000).toFixed(1)} s after the loop`,
        `    CPU per accepted event: ${PathCpu.report(before, after, round.accepted, seconds + waitedMs / 1000)}`,
        '',
      ].join('\n'),
    );
  } finally {
    child?.kill();
    farm.stop();
    await stack.stop();
  }
}

import type { ChildProcess } from 'node:child_process';
import { waitFor } from '@gateway/testing';
import { startBenchStack } from './bench-stack';
import {
  brokersOnPath,
  forkReady,
  PathCpu,
  startReceiverFarm,
  summarize,
  type ReceiverFarm,
  warmupSeconds,
} from './support';

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');

/** kafka-hops-process.ts, once its three consumers joined. */
export async function startHops(brokers: string, prefix: string, receiverUrl: string): Promise<ChildProcess> {
  return (await forkReady('kafka-hops-process', [brokers, prefix, receiverUrl])).child;
}

/** The hops process's HTTP publishing front (`serveEvents`); resolves with its URL. */
export function serveEvents(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('message', (reply: { url: string }) => resolve(reply.url));
    child.send({ kind: 'serve' });
  });
}

/** Publishes at `rate` for `seconds` in the hops process; resolves with the count published. */
function publish(child: ChildProcess, label: string, rate: number, seconds: number): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (reply: { published: number }) => resolve(reply.published));
    child.send({ kind: 'run', label, rate, seconds });
  });
}

/** Waits (bounded) until the receiver has `expected` unique events; the latencies read meanwhile. */
async function received(
  farm: ReceiverFarm,
  expected: number,
): Promise<{ latencies: number[]; unique: number }> {
  const latencies: number[] = [];
  let unique = 0;
  await waitFor(
    'every event received',
    60000,
    async () => {
      const stats = await farm.stats();
      latencies.push(...stats.latencies);
      unique = stats.unique;
      return unique >= expected;
    },
    100,
  ).catch(() => undefined);
  return { latencies, unique };
}

/**
 * `machine-ceiling`'s "three Kafka hops + one POST" (issue 23): the outbound path with nothing but
 * the project's own Kafka clients and undici in it (kafka-hops-process.ts), at each rate for
 * `seconds` after a warm-up: publish -> receiver p50/p99 and the CPU of every process on it. The
 * `outbound-e2e` figures are read as ratios of these (its p99 at 1,000/s <= 2x this leg's).
 */
export async function kafkaHopsLeg(
  print: (line: string) => void,
  seconds: number,
  rates = [250, 1000, 2000],
): Promise<void> {
  const stack = await startBenchStack('hops');
  const farm = await startReceiverFarm(1);
  let child: ChildProcess | undefined;
  try {
    child = await startHops(stack.kafkaBrokers, stack.prefix, farm.urls[0]);
    // At 1,000/s at least: a fresh broker's JVM costs about twice its steady CPU per event until its
    // hot paths are compiled, which takes more events than 5 s at 250/s gave (ADR 0015).
    let expected = await publish(child, 'warmup', Math.max(1000, rates[0]), warmupSeconds());
    await received(farm, expected);
    const cpu = new PathCpu([
      { name: 'hops process (producer, 3 consumers, undici)', pids: [child.pid] },
      brokersOnPath(stack.brokerPids),
      { name: 'receiver', pids: [farm.pid] },
    ]);
    for (const rate of rates) {
      const before = await cpu.sample();
      const started = Date.now();
      const published = await publish(child, `r${rate}`, rate, seconds);
      expected += published;
      const { latencies, unique } = await received(farm, expected);
      const after = await cpu.sample();
      const window = (Date.now() - started) / 1000;
      const delivered = published - (expected - unique);
      const latency = summarize(latencies);
      print(
        `  three Kafka hops + one POST (events -> deliveries -> retries -> undici, the project's clients) at ${rate}/s for ${seconds} s: ` +
          `received ${delivered} of ${published}; publish -> receiver p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms, max ${fmt(latency.max)} ms`,
      );
      print(
        `    CPU per event (and % of one core, ${window.toFixed(1)} s): ${PathCpu.report(before, after, delivered, window)}`,
      );
    }
  } finally {
    child?.kill();
    farm.stop();
    await stack.stop();
  }
}

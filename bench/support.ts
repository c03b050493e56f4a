import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import type { Consumer, Kafka } from 'kafkajs';
import type { DeliveryTask, JsonValue } from '@gateway/schemas';
import { waitFor } from '@gateway/testing';

/**
 * A bench process of its own (`<script>.js` beside this file), once its first IPC message (its
 * "ready") arrived; resolves with the process and that message. Exiting before then rejects.
 */
export function forkReady<M = unknown>(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; ready: M }> {
  const child = fork(path.join(__dirname, `${script}.js`), args, { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.once('message', (ready: M) => resolve({ child, ready }));
  });
}

/**
 * Seconds of unmeasured load before a measured leg (BENCH_WARMUP_SECONDS, default 15). A fresh
 * broker's JVM compiles its produce and fetch paths during its first seconds under load, and costs
 * about twice its steady CPU per event until then; a production broker runs warm (ADR 0015).
 */
export const warmupSeconds = (): number => Number(process.env.BENCH_WARMUP_SECONDS ?? 15);

/** The machine a figure was measured on (printed with every benchmark). */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load avg ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(values: number[]): { n: number; p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

/** Since the last call: latencies (ms) of timed requests and, in step, their `sentAt` (epoch ms). */
export interface ReceiverStats {
  received: number;
  unique: number;
  latencies: number[];
  sentAts: number[];
}

/** p99 (ms) of the requests sent in each `bucketMs` from `from` (epoch ms): when the tail happened. */
export function p99Timeline(
  stats: Pick<ReceiverStats, 'latencies' | 'sentAts'>,
  from: number,
  bucketMs = 2000,
): number[] {
  const buckets: number[][] = [];
  stats.sentAts.forEach((sentAt, i) =>
    (buckets[Math.max(0, Math.floor((sentAt - from) / bucketMs))] ??= []).push(stats.latencies[i]),
  );
  return Array.from(buckets, (bucket) => summarize(bucket ?? []).p99);
}

export interface ReceiverFarm {
  urls: string[];
  pid: number | undefined;
  stats(): Promise<ReceiverStats>;
  stop(): void;
}

/** Starts `count` HTTP receivers in a child process; `mode` as in receiver-process.ts. */
export function startReceiverFarm(count: number, mode: 'ok' | 'fail' | 'hang' = 'ok'): Promise<ReceiverFarm> {
  const child: ChildProcess = fork(path.join(__dirname, 'receiver-process.js'), [String(count), mode], {
    stdio: 'inherit',
  });
  return new Promise((resolve) => {
    child.once('message', (message: { kind: string; urls: string[] }) => {
      resolve({
        urls: message.urls,
        pid: child.pid,
        stats: () =>
          new Promise((done) => {
            child.once('message', (reply: ReceiverStats) => done(reply));
            child.send({ kind: 'stats' });
          }),
        stop: () => child.kill(),
      });
    });
  });
}

/** A JSON `data` object of about `bytes` bytes once serialized. */
export function payloadOfSize(
  bytes: number,
  extra: { [key: string]: JsonValue } = {},
): { [key: string]: JsonValue } {
  const base = { ...extra, customer: { id: 'cus_123', country: 'DE' }, amount: 1200, currency: 'EUR' };
  const filler = Math.max(0, bytes - JSON.stringify(base).length - 12);
  return { ...base, note: 'x'.repeat(filler) };
}

/** An unlabelled metric's value on a service's `/metrics` (NaN when absent). */
export async function metricValue(service: { url: string }, name: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/** DELIVERY_* settings of the caller's environment, passed on to the dispatcher (a knob for experiments). */
export function deliveryTuning(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('DELIVERY_') && entry[1] !== undefined,
    ),
  );
}

/** CPU seconds (user + system) a process has used, from /proc. */
export async function cpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const { readFile } = await import('node:fs/promises');
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system) of a process and its direct children (PostgreSQL's backends), from /proc. */
export async function treeCpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const { readdir, readFile } = await import('node:fs/promises');
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.split(') ')[1]?.split(' ');
    if (!fields) continue;
    // The process itself with its ended children (cutime, cstime), and the children still running.
    if (Number(entry) === pid)
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
    else if (Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

/** CPU seconds the whole machine spent busy (every process and the kernel, not idle, I/O wait or steal), from /proc/stat. */
export async function machineBusySeconds(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const [user, nice, system, , , irq, softirq] = (await readFile('/proc/stat', 'utf8'))
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq) / 100;
}

/** The pid of the process listening on a loopback TCP port (a broker, PostgreSQL), if `ss` can tell. */
export function listenerPid(port: string | number): number | undefined {
  try {
    const listing = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const pid = /pid=(\d+)/.exec(listing)?.[1];
    return pid ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds of several processes together (every broker of a cluster); NaN when none is known. */
export async function totalCpuSeconds(pids: number[]): Promise<number> {
  let total = pids.length > 0 ? 0 : NaN;
  for (const pid of pids) total += await cpuSeconds(pid);
  return total;
}

/** The processes listening on the ports of a KAFKA_BROKERS list: one per broker that runs on this machine. */
export function brokerPids(brokers: string): number[] {
  const ports = brokers.split(',').map((broker) => broker.split(':').at(-1) ?? '9092');
  return [
    ...new Set(ports.map((port) => listenerPid(port)).filter((pid): pid is number => pid !== undefined)),
  ];
}

/** The port of a PostgreSQL URL. */
export const databasePort = (url: string): string => new URL(url).port || '5432';

/** Reads the deliveries topic from the start; resolves once the consumer joined its group. */
export async function consumeTasks(
  kafka: Kafka,
  topic: string,
  onTask: (task: DeliveryTask, timestampMs: number) => void,
): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `bench-tasks-${Date.now()}`, maxWaitTimeInMs: 20 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) =>
      onTask(JSON.parse(message.value!.toString()) as DeliveryTask, Number(message.timestamp)),
  });
  await waitFor('join', 30000, () => joined);
  return consumer;
}

/** A process on a benchmark's path whose CPU is reported: several pids (the brokers) are summed. */
export interface PathProcess {
  name: string;
  pids: (number | undefined)[];
  /** Counts its running children too (PostgreSQL's backends). */
  tree?: boolean;
  /** The benchmark's own process (the load generator), read with `process.cpuUsage`. */
  self?: boolean;
}

/** The broker(s) on a path: one entry, every node of a cluster summed. */
export const brokersOnPath = (pids: number[]): PathProcess => ({
  name: pids.length > 1 ? `${pids.length} brokers` : 'broker',
  pids,
});

/** CPU seconds by process name, and the whole machine's busy seconds, at one moment. */
export interface PathCpuSample {
  byName: Map<string, number>;
  machine: number;
}

/**
 * The CPU of every process on a benchmark's path and of the whole machine (`/proc/stat`), read
 * before and after a measured window: each as % of one core and as ms per event (issue 23's
 * "CPU per delivered event").
 */
export class PathCpu {
  constructor(private readonly processes: PathProcess[]) {}

  async sample(): Promise<PathCpuSample> {
    const byName = new Map<string, number>();
    for (const { name, pids, tree, self } of this.processes) {
      let seconds = 0;
      if (self) {
        const { user, system } = process.cpuUsage();
        seconds = (user + system) / 1e6;
      } else if (pids.length === 0 || pids.some((pid) => !pid)) seconds = NaN;
      for (const pid of self ? [] : pids) seconds += await (tree ? treeCpuSeconds(pid) : cpuSeconds(pid));
      byName.set(name, seconds);
    }
    return { byName, machine: await machineBusySeconds() };
  }

  /** One line: the whole machine and each process, ms per event and % of one core over `seconds`. */
  static report(before: PathCpuSample, after: PathCpuSample, events: number, seconds: number): string {
    const figure = (used: number) =>
      Number.isFinite(used) && events > 0
        ? `${((used * 1000) / events).toFixed(3)} ms (${((used / seconds) * 100).toFixed(0)}%)`
        : '-';
    const parts = [...after.byName].map(
      ([name, value]) => `${name} ${figure(value - (before.byName.get(name) ?? NaN))}`,
    );
    return `whole machine ${figure(after.machine - before.machine)}; ${parts.join(', ')}`;
  }
}

/** Stops a benchmark's services, then its receivers, then its Kafka and PostgreSQL. */
export async function stopBench(parts: {
  services: { stop(): Promise<unknown> }[];
  farm: { stop(): void };
  stack: { stop(): Promise<void> };
}): Promise<void> {
  await Promise.all(parts.services.map((service) => service.stop()));
  parts.farm.stop();
  await parts.stack.stop();
}

/**
 * The upper bound (ms) of the bucket holding quantile `q` of an unlabelled histogram on a service's
 * `/metrics` (NaN when it has no observations): coarse, as a dashboard's `histogram_quantile` is.
 */
export async function histogramQuantile(service: { url: string }, name: string, q: number): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const buckets = text
    .split('\n')
    .map((line) => /^(\w+)_bucket\{le="([^"]+)"\} (\S+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && match[1] === name)
    .map((match) => ({ le: Number(match[2]), count: Number(match[3]) }));
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  return (buckets.find((bucket) => bucket.count >= q * total)?.le ?? NaN) * 1000;
}

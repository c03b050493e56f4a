import { Agent, request } from 'undici';
import { startBenchStack } from './bench-stack';
import { startLoadProcess, type LoadProcess } from './ingress-throughput.bench';
import { kafkaHopsLeg } from './kafka-hops';
import { cpuSeconds, forkReady, machine, startReceiverFarm, summarize, totalCpuSeconds } from './support';

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');

/**
 * What this machine allows before any gateway code runs, measured the way the gateway's own
 * benchmarks measure it, so their figures can be read as ratios of the same run:
 * - the ingress benchmark's load generator against an HTTP server that only reads the body and
 *   answers 200, at 1,000/s, 2,000/s, 5,000/s and 10,000/s (the ingress's overload phase);
 * - the same against the least an ingress can do under its contract: a server that writes each
 *   body to Kafka (KafkaJS, acks=all, batched) and answers 200 on the ack
 *   (journal-writer-process.ts), with the broker's CPU beside it;
 * - undici (`request` on one pooled agent, as the dispatcher sends) POSTing 1 KB to the
 *   benchmarks' 50 local receivers as fast as it can, with nothing else running;
 * - three Kafka hops with the project's own clients and one undici POST, at 250, 1,000 and 2,000
 *   events/s (`kafkaHopsLeg`, issue 23): the outbound path's floor.
 * No gateway process takes part; only the Kafka-writer phase and the hops use a broker (the
 * benchmarks' own, unless KAFKA_BROKERS is set). BENCH_CEILING_LEGS picks legs: `servers`
 * (the load generator's two servers), `undici`, `hops`; all by default.
 */
export async function machineCeiling(
  seconds = Number(process.env.BENCH_CEILING_SECONDS ?? 15),
  posts = Number(process.env.BENCH_CEILING_POSTS ?? 30000),
  legs = new Set((process.env.BENCH_CEILING_LEGS ?? 'servers,undici,hops').split(',')),
): Promise<void> {
  const lines = [
    'machine ceiling: the load generators against servers and receivers that do the least, no gateway code',
    `  machine at start: ${machine()}`,
  ];
  const print = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };

  if (legs.has('servers')) await serverLegs(print, seconds);
  if (legs.has('undici')) await undiciLeg(print, posts);
  if (legs.has('hops')) await kafkaHopsLeg(print, Number(process.env.BENCH_CEILING_HOPS_SECONDS ?? seconds));
  print(`  machine at end: ${machine()}`);
}

/** The ingress load generator against the bare server and the Kafka-writing server. */
async function serverLegs(print: (line: string) => void, seconds: number): Promise<void> {
  const load = await startLoadProcess();
  try {
    const bare = await startReceiverFarm(1);
    try {
      for (const rate of [1000, 2000, 5000, 10000]) {
        print(
          await serverPhase(load, {
            label: 'bare',
            what: 'bare server',
            url: new URL(bare.urls[0]),
            pid: bare.pid,
            rate,
            seconds,
          }),
        );
      }
    } finally {
      bare.stop();
    }
    const stack = await startBenchStack('ceiling');
    try {
      const writer = await startJournalWriter(stack.kafkaBrokers, stack.topics.inboundJournal);
      try {
        for (const rate of [1000, 2000, 5000]) {
          const what = 'Kafka-writing server (acks=all)';
          print(
            await serverPhase(load, {
              label: 'kafka',
              what,
              url: writer.url,
              pid: writer.pid,
              rate,
              seconds,
              brokers: stack.brokerPids,
            }),
          );
        }
      } finally {
        writer.stop();
      }
    } finally {
      await stack.stop();
    }
  } finally {
    load.stop();
  }
}

/**
 * undici POSTing 1 KB to 50 receivers, 256 at once, as fast as it can; resolves with the rate
 * (`dispatcher-drain` reads its figures as ratios of it).
 */
export async function undiciLeg(print: (line: string) => void, posts: number): Promise<number> {
  const farm = await startReceiverFarm(50);
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30000 });
  try {
    const body = JSON.stringify({ type: 'bench.ceiling', data: { note: 'x'.repeat(1000) } });
    const cpuBefore = process.cpuUsage();
    const receiversBefore = await cpuSeconds(farm.pid);
    const started = performance.now();
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < posts) {
        const n = next++;
        const response = await request(farm.urls[n % farm.urls.length], {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          dispatcher: agent,
        });
        await response.body.dump();
      }
    };
    await Promise.all(Array.from({ length: 256 }, sender));
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const receivers = (await cpuSeconds(farm.pid)) - receiversBefore;
    print(
      `  undici -> 50 receivers, 1 KB POSTs, 256 at once: ${posts} in ${elapsed.toFixed(1)} s = ${(posts / elapsed).toFixed(0)}/s; ` +
        `sender CPU ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)}% of a core (${((cpu.user + cpu.system) / 1e3 / posts).toFixed(3)} ms a request), receivers ${((receivers / elapsed) * 100).toFixed(0)}%`,
    );
    return posts / elapsed;
  } finally {
    await agent.close();
    farm.stop();
  }
}

interface ServerPhase {
  label: string;
  what: string;
  url: URL;
  pid: number | undefined;
  rate: number;
  seconds: number;
  /** The Kafka brokers' processes (every node of a cluster), whose CPU together is reported beside the server's. */
  brokers?: number[];
}

/** The ingress load generator against one server for `seconds` at `rate`; one report line. */
async function serverPhase(load: LoadProcess, phase: ServerPhase): Promise<string> {
  const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
  const before = await cpuSeconds(phase.pid);
  const brokerBefore = phase.brokers ? await totalCpuSeconds(phase.brokers) : NaN;
  const result = await load.run({
    label: `${phase.label}-${phase.rate}`,
    host: phase.url.hostname,
    port: Number(phase.url.port),
    path: phase.url.pathname,
    secret,
    rate: phase.rate,
    seconds: phase.seconds,
    connections: 64,
    maxConnections: 512,
  });
  const share = (cpu: number) => `${((cpu / result.elapsedSeconds) * 100).toFixed(0)}%`;
  const cpu = (await cpuSeconds(phase.pid)) - before;
  const broker = phase.brokers
    ? `, ${phase.brokers.length > 1 ? `${phase.brokers.length} brokers together` : 'broker'} ${share((await totalCpuSeconds(phase.brokers)) - brokerBefore)}`
    : '';
  const ok = summarize(result.accepted);
  const other = Object.entries(result.statuses).filter(([status]) => status !== '200');
  return (
    `  ingress load generator -> ${phase.what} at ${phase.rate}/s for ${phase.seconds} s: answered 200 ${(ok.n / result.elapsedSeconds).toFixed(0)}/s, p50 ${fmt(ok.p50)} ms, p99 ${fmt(ok.p99)} ms, max ${fmt(ok.max)} ms; ` +
    `${other.length > 0 ? `other answers ${other.map(([status, n]) => `${status}: ${n}`).join(', ')}; ` : ''}${result.errors} connection errors, ${result.connections} connections; ` +
    `server CPU ${share(cpu)} of a core (${((cpu * 1000) / Math.max(1, result.sent)).toFixed(3)} ms a request), generator ${share(result.cpuSeconds)}${broker}`
  );
}

/** journal-writer-process.ts, ready to take requests. */
async function startJournalWriter(
  brokers: string,
  topic: string,
): Promise<{ url: URL; pid: number | undefined; stop(): void }> {
  const { child, ready } = await forkReady<{ url: string }>('journal-writer-process', [brokers, topic]);
  return { url: new URL(ready.url), pid: child.pid, stop: () => child.kill() };
}

import { fork } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { generateSecret } from '@gateway/signing';
import { startService } from '@gateway/testing';
import { freePort } from '@gateway/testing';
import { waitFor } from '@gateway/testing';
import { startBenchStack } from './bench-stack';
import type { LoadPhase, PhaseResult } from './ingress-load-process';
import { cpuSeconds, machine, summarize } from './support';

export interface LoadProcess {
  run(phase: Omit<LoadPhase, 'kind'>): Promise<PhaseResult>;
  stop(): void;
}

/** The ingress load generator in a process of its own (ingress-load-process.ts). */
export function startLoadProcess(): Promise<LoadProcess> {
  const child = fork(path.join(__dirname, 'ingress-load-process.js'), [], { stdio: 'inherit' });
  return new Promise((resolve) => {
    child.once('message', () =>
      resolve({
        run: (phase) =>
          new Promise((done, fail) => {
            child.once('message', (reply: { kind: string; result?: PhaseResult; message?: string }) =>
              reply.result ? done(reply.result) : fail(new Error(reply.message)),
            );
            child.send({ kind: 'run', ...phase });
          }),
        stop: () => child.kill(),
      }),
    );
  });
}

/**
 * Counters and sums of the ingress's own metrics, to tell which answer and which wait it was:
 * answers by outcome, and for requests (arrival to answer) and journal writes (to the Kafka ack)
 * the count, the sum and how many were within 10 ms.
 */
async function scrape(url: string): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  const add = (key: string, value: number) => values.set(key, (values.get(key) ?? 0) + value);
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split('\n')) {
    const sample = /^(\w+)\{([^}]*)\} ([0-9.e+-]+)$/.exec(line);
    if (!sample) continue;
    const [, name, labels, raw] = sample;
    const value = Number(raw);
    const outcome = /outcome="([^"]+)"/.exec(labels)?.[1];
    if (name === 'gateway_ingress_requests_total' && outcome) add(`outcome:${outcome}`, value);
    const timed = /^gateway_(ingress_request|kafka_produce)_duration_seconds_(bucket|sum|count)$/.exec(name);
    if (!timed || (timed[1] === 'kafka_produce' && !labels.includes('journal"'))) continue;
    const what = timed[1] === 'ingress_request' ? 'request' : 'journal';
    if (timed[2] !== 'bucket') add(`${what}:${timed[2]}`, value);
    else if (labels.includes('le="0.01"')) add(`${what}:within-10ms`, value);
  }
  return values;
}

function serverSide(before: Map<string, number>, after: Map<string, number>): string {
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const outcomes = [...after.keys()]
    .filter((key) => key.startsWith('outcome:') && delta(key) > 0)
    .map((key) => `${key.slice(8)} ${delta(key)}`)
    .join(', ');
  const writes = delta('journal:count');
  const ack = writes > 0 ? ((delta('journal:sum') / writes) * 1000).toFixed(1) : '-';
  const slow = (what: string) => {
    const all = delta(`${what}:count`);
    return all > 0 ? `${(((all - delta(`${what}:within-10ms`)) / all) * 100).toFixed(2)} %` : '-';
  };
  return `    ingress saw: ${outcomes || 'nothing'}; mean journal ack ${ack} ms; over 10 ms: ${slow('request')} of requests (arrival to answer), ${slow('journal')} of journal acks`;
}

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');

function report(result: PhaseResult, rate: number, cpu: number, targets: string): string {
  const ok = summarize(result.accepted);
  const refused = summarize(result.refused);
  const all = summarize([...result.accepted, ...result.refused]);
  const statuses = Object.entries(result.statuses).map(([status, count]) => `${status}: ${count}`).join(', ');
  return [
    `  ${result.label}: offered ${rate}/s for ${(result.sent / rate).toFixed(0)} s -> ${result.sent} requests in ${result.elapsedSeconds.toFixed(1)} s; accepted ${(ok.n / result.elapsedSeconds).toFixed(0)}/s`,
    `    answers: ${statuses}${result.errors ? `, connection errors: ${result.errors}` : ''}; ${result.connections} connections; ingress CPU ${(cpu / result.elapsedSeconds * 100).toFixed(0)}% of one core, load generator ${(result.cpuSeconds / result.elapsedSeconds * 100).toFixed(0)}%`,
    `    latency from due time: 2xx p50 ${fmt(ok.p50)} ms, p99 ${fmt(ok.p99)} ms, max ${fmt(ok.max)} ms; refused p50 ${fmt(refused.p50)} ms, p99 ${fmt(refused.p99)} ms; all p99 ${fmt(all.p99)} ms`,
    `    target: ${targets}`,
  ].join('\n');
}

/**
 * Ingress throughput: signed 1 KB Standard Webhooks requests from a separate process, open loop,
 * on loopback, to one ingress process (acks=all on every accepted request). Phases: 1,000/s
 * (p99 <= 10 ms), the sustained rate for 60 s (>= 5,000/s accepted, p50 <= 5 ms, p99 <= 25 ms, no
 * error), then twice its capacity and twice the target rate (excess answered 429/503, p99 <= 50 ms).
 * Finally every 2xx-answered webhook is looked up on webhooks.inbound.
 */
export async function ingressThroughput(
  rate = Number(process.env.BENCH_INGRESS_RATE ?? 5000),
  seconds = Number(process.env.BENCH_INGRESS_SECONDS ?? 60),
  capacity = Number(process.env.BENCH_INGRESS_CAPACITY ?? 1700),
): Promise<void> {
  const stack = await startBenchStack('ingress');
  const load = await startLoadProcess();
  const secret = generateSecret();
  const sourceId = `src_bench_${stack.prefix.replace(/\W/g, '')}`;
  await stack.db.query(`INSERT INTO sources (id, name, provider, secrets) VALUES ($1, 'bench', 'standard-webhooks', $2::jsonb)`, [sourceId, JSON.stringify([secret])]);
  const env = {
    KAFKA_BROKERS: stack.kafkaBrokers,
    DATABASE_URL: stack.databaseUrl,
    KAFKA_TOPIC_PREFIX: stack.prefix,
    LOG_LEVEL: 'warn',
    ...(process.env.INGRESS_MAX_IN_FLIGHT ? { INGRESS_MAX_IN_FLIGHT: process.env.INGRESS_MAX_IN_FLIGHT } : {}),
  };
  // BENCH_INGRESS_SPLIT=1: the loaded ingress only serves HTTP; a second one runs the dedup consumer.
  const split = process.env.BENCH_INGRESS_SPLIT === '1';
  const ingress = await startService('ingress', await freePort(), split ? { ...env, INGRESS_DEDUP_CONSUMER: 'false' } : env, stack.logDir);
  const dedup = split ? await startService('ingress', await freePort(), env, stack.logDir) : undefined;
  const lines: string[] = [`ingress throughput: 1 KB Standard Webhooks requests, open loop, 64 connections growing on demand up to 512, ${split ? 'one ingress process serving HTTP and one running the dedup consumer' : 'one ingress process'}`, `  machine at start: ${machine()}`];
  const acceptedIds: string[] = [];
  try {
    const base = { host: '127.0.0.1', port: ingress.port, path: `/in/${sourceId}`, secret, connections: 64, maxConnections: 512 };
    const phase = async (label: string, phaseRate: number, phaseSeconds: number, targets: string, print = true) => {
      const before = await cpuSeconds(ingress.process.pid);
      const metricsBefore = await scrape(ingress.url);
      const result = await load.run({ ...base, label, rate: phaseRate, seconds: phaseSeconds });
      const cpu = (await cpuSeconds(ingress.process.pid)) - before;
      const metricsAfter = await scrape(ingress.url);
      for (const n of result.acceptedIds) acceptedIds.push(`msg_${label}_${n}`);
      if (print) {
        lines.push(`${report(result, phaseRate, cpu, targets)}\n${serverSide(metricsBefore, metricsAfter)}`);
        process.stdout.write(`${lines.at(-1)}\n`);
      }
      return result;
    };
    await phase('warmup', 1000, 5, '', false);
    await phase('steady-1k', 1000, 20, 'p99 <= 10 ms');
    await phase('sustained', rate, seconds, `>= 5,000/s accepted, p50 <= 5 ms, p99 <= 25 ms, no error`);
    // Twice capacity: twice what one ingress process accepts here when it is not shedding (about
    // 1,700/s on the 2-core machine, BENCH_INGRESS_CAPACITY), then twice the target rate.
    const overloadTarget = 'excess answered 429/503, p99 <= 50 ms, nothing unbounded';
    await phase('overload', capacity * 2, Math.min(20, seconds), `${overloadTarget} (twice the capacity of ${capacity}/s)`);
    await phase('overload-target', rate * 2, Math.min(20, seconds), `${overloadTarget} (twice the target rate)`);
    lines.push(`  machine at end: ${machine()}`);

    // Every 2xx-answered webhook must be on webhooks.inbound (after the dedup consumer).
    const expected = new Set(acceptedIds);
    const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `bench-verify-${Date.now()}`, maxBytes: 50 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic: stack.topics.inbound, fromBeginning: true });
    let published = 0;
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          published++;
          const id = /"providerEventId":"([^"]+)"/.exec(message.value?.toString() ?? '')?.[1];
          if (id) expected.delete(id);
        }
      },
    });
    const started = Date.now();
    await waitFor('every accepted webhook on webhooks.inbound', 180000, () => expected.size === 0, 500).catch(() => undefined);
    await consumer.disconnect();
    lines.push(
      `  durability: ${acceptedIds.length} webhooks answered 2xx; ${acceptedIds.length - expected.size} found on webhooks.inbound (${published} records read in ${((Date.now() - started) / 1000).toFixed(1)} s); missing: ${expected.size}`,
    );
  } finally {
    load.stop();
    await ingress.stop();
    await dedup?.stop();
    await stack.stop();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

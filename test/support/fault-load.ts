import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { defaultTopicSpecs, ensureTopics, type KafkaSettings } from '@gateway/kafka';
import { topicNames, type TopicNames } from '@gateway/schemas';
import { generateSecret, signPayload } from '@gateway/signing';
import { insertSource } from './ingress';
import { closeTestDatabase, insertEndpoint, testDatabase, useTestDatabase } from './endpoints';
import { freshDatabase, logDir } from './gateway';
import { Receiver } from './receiver';
import { startService, type RunningService, type ServiceName } from './services';
import { freePort } from './stack';
import { waitFor } from './wait-for';

/**
 * The whole gateway under a steady load for the fault specs: the api and N replicas of ingress,
 * router, dispatcher and scheduler, one endpoint subscribed to everything, and a forwarding source
 * whose verified webhooks become events. Every request carries a unique mark, so what was
 * acknowledged can be matched with what the receiver got, and copies with their webhook-id.
 */
export interface LoadStack {
  services: Record<ServiceName, RunningService[]>;
  receiver: Receiver;
  topics: TopicNames;
  env: Record<string, string>;
  /** Starts one more replica of a service (after a kill). */
  restart(name: ServiceName, index: number): Promise<void>;
  stop(): Promise<void>;
}

const TOKEN = 'fault-admin-token';
/** Every 25th mark's first attempt fails: those deliveries go through a retry and the scheduler. */
const FAIL_FIRST_EVERY = 25;

const markOf = (body: string): string | undefined => /"mark":"([^"]+)"/.exec(body)?.[1];

export async function startLoadStack(options: {
  /** How the test reaches the cluster, to create the stack's topics. */
  kafka: KafkaSettings;
  kafkaEnv: Record<string, string>;
  replicas: number;
}): Promise<LoadStack> {
  const prefix = `f${randomUUID().slice(0, 8)}.`;
  const topics = topicNames(prefix);
  await ensureTopics(options.kafka, defaultTopicSpecs(topics, 4));
  const databaseUrl = await freshDatabase();
  const db = await useTestDatabase(databaseUrl);
  const failed = new Set<string>();
  const receiver = await new Receiver((request) => {
    const mark = markOf(request.body) ?? '';
    const n = Number(mark.split('-')[1]);
    if (n % FAIL_FIRST_EVERY === 0 && !failed.has(mark)) {
      failed.add(mark);
      return { status: 503 };
    }
    return { status: 200 };
  }).start();
  await insertEndpoint({
    url: receiver.url,
    eventTypes: ['*'],
    retryPolicy: { maxAttempts: 20, baseSeconds: 1, factor: 1, capSeconds: 1 },
  });
  const secret = generateSecret();
  const sourceId = await insertSource(db, {
    provider: 'standard-webhooks',
    secrets: [secret],
    forward: { eventTypeFrom: 'type' },
  });
  const env = {
    ...options.kafkaEnv,
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    DELIVERY_ALLOWLIST: '127.0.0.0/8',
    ADMIN_TOKEN: TOKEN,
  };
  const start = async (name: ServiceName) => startService(name, await freePort(), env, logDir, 120000);
  const services = {} as Record<ServiceName, RunningService[]>;
  const counts: Record<ServiceName, number> = {
    api: 1,
    ingress: options.replicas,
    router: options.replicas,
    dispatcher: options.replicas,
    scheduler: options.replicas,
  };
  try {
    for (const name of Object.keys(counts) as ServiceName[]) {
      services[name] = await Promise.all(Array.from({ length: counts[name] }, () => start(name)));
    }
  } catch (error) {
    await Promise.all(
      Object.values(services)
        .flat()
        .map((service) => service.stop()),
    );
    await receiver.stop();
    await closeTestDatabase();
    throw error;
  }
  const stack: LoadStack & { secret: string; sourceId: string } = {
    services,
    receiver,
    topics,
    env,
    secret,
    sourceId,
    restart: async (name, index) => {
      services[name][index] = await start(name);
    },
    stop: async () => {
      await Promise.all(
        Object.values(services)
          .flat()
          .map((service) => service.stop()),
      );
      await receiver.stop();
      await closeTestDatabase();
    },
  };
  return stack;
}

export interface Sent {
  mark: string;
  via: 'api' | 'inbound';
  sentAt: number;
  answeredAt: number;
  /** HTTP status, or 0 when the connection failed. */
  status: number;
}

/**
 * Sends `rate` events a second through `POST /v1/events` and as many signed webhooks through the
 * ingress replicas (round robin, as a load balancer would), for `durationMs`, calling `at` hooks
 * on the way (the faults). Bounded: at most `maxInFlight` unanswered requests per path; a tick
 * that finds the path full sends nothing (counted as skipped, never as lost).
 */
export async function runLoad(
  stack: LoadStack,
  options: {
    rate: number;
    durationMs: number;
    at?: { afterMs: number; run: () => Promise<void> }[];
    maxInFlight?: number;
  },
): Promise<{ sent: Sent[]; skipped: number; startedAt: number }> {
  const { secret, sourceId } = stack as LoadStack & { secret: string; sourceId: string };
  const sent: Sent[] = [];
  const inFlight = { api: 0, inbound: 0 };
  const limit = options.maxInFlight ?? 300;
  let skipped = 0;
  let n = 0;
  let turn = 0;
  const pending = new Set<Promise<void>>();
  const track = (via: Sent['via'], request: () => Promise<Response>) => {
    if (inFlight[via] >= limit) {
      skipped++;
      return;
    }
    inFlight[via]++;
    const record: Sent = { mark: '', via, sentAt: Date.now(), answeredAt: 0, status: 0 };
    const done = request()
      .then(async (response) => {
        record.status = response.status;
        await response.arrayBuffer();
      })
      .catch(() => undefined)
      .finally(() => {
        record.answeredAt = Date.now();
        inFlight[via]--;
        sent.push(record);
        pending.delete(done);
      });
    pending.add(done);
    return record;
  };
  const sendApi = () => {
    const mark = `api-${n++}`;
    const api = stack.services.api[0];
    const record = track('api', () =>
      fetch(`${api.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'load.api', data: { mark } }),
      }),
    );
    if (record) record.mark = mark;
  };
  const sendInbound = () => {
    const mark = `in-${n++}`;
    const replicas = stack.services.ingress;
    const ingress = replicas[turn++ % replicas.length];
    const body = JSON.stringify({ type: 'load.inbound', data: { mark } });
    const timestamp = Math.floor(Date.now() / 1000);
    const id = `msg_${mark}`;
    const record = track('inbound', () =>
      fetch(`${ingress.url}/in/${sourceId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signPayload({ id, timestamp, payload: body, secrets: [secret] }),
        },
        body,
      }),
    );
    if (record) record.mark = mark;
  };
  const startedAt = Date.now();
  const hooks = [...(options.at ?? [])].sort((a, b) => a.afterMs - b.afterMs);
  const running: Promise<void>[] = [];
  let due = 0;
  while (Date.now() - startedAt < options.durationMs) {
    const elapsed = Date.now() - startedAt;
    while (hooks.length > 0 && hooks[0].afterMs <= elapsed) running.push(hooks.shift()!.run());
    // Catch up to the rate (a tick the event loop delayed sends its share late, not never).
    const target = Math.floor((elapsed / 1000) * options.rate);
    for (; due < target; due++) {
      sendApi();
      sendInbound();
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(running);
  await Promise.all([...pending]);
  return { sent, skipped, startedAt };
}

export interface LoadVerdict {
  acknowledged: number;
  lost: string[];
  /** Marks received under more than one webhook-id. */
  renamed: string[];
  copies: number;
  statuses: Record<string, number>;
  /** First and last answer that was not a 2xx, in ms after the start (null when there was none). */
  refusedWindow: { fromMs: number; toMs: number } | null;
  /** e2e p99 (first receipt − send) of acknowledged marks, by when they were sent. */
  p99: Record<string, number | null>;
  /** Acknowledged requests by when they were sent: each phase must have some (the gateway recovered). */
  acknowledgedIn: Record<string, number>;
}

const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/**
 * Waits until every acknowledged mark reached the receiver (or for `stallMs` nothing arrived and no
 * retry was pending, or the deadline passed), then judges:
 * lost marks, marks that arrived under two webhook-ids, the window of refusals, and e2e p99 by
 * phase (`phases` maps a name to [fromMs, toMs) after the start).
 */
export async function judgeLoad(
  stack: LoadStack,
  load: Awaited<ReturnType<typeof runLoad>>,
  phases: Record<string, [number, number]>,
  deadlineMs = 600000,
  stallMs = 30000,
): Promise<LoadVerdict> {
  const acked = load.sent.filter((record) => record.status >= 200 && record.status < 300);
  const received = () => {
    const byMark = new Map<string, { ids: Set<string>; firstAt: number }>();
    for (const request of stack.receiver.requests) {
      const mark = markOf(request.body);
      if (!mark) continue;
      const entry = byMark.get(mark) ?? { ids: new Set<string>(), firstAt: request.receivedAt };
      entry.ids.add(request.headers['webhook-id']);
      entry.firstAt = Math.min(entry.firstAt, request.receivedAt);
      byMark.set(mark, entry);
    }
    return byMark;
  };
  // A loaded machine drains a backlog slowly, and the dispatcher defers an endpoint's excess to the
  // retry store (ADR 0014): wait while deliveries still arrive or retries are pending, and give up
  // only after `stallMs` with neither (or at the overall deadline).
  const db = await testDatabase();
  let seen = -1;
  let lastProgress = Date.now();
  await waitFor(
    'every acknowledged event at the receiver',
    deadlineMs,
    async () => {
      const byMark = received();
      if (acked.every((record) => byMark.has(record.mark))) return true;
      const [{ pending }] = await db.query<{ pending: string }[]>('SELECT count(*) AS pending FROM retries');
      if (stack.receiver.requests.length !== seen || Number(pending) > 0) {
        seen = stack.receiver.requests.length;
        lastProgress = Date.now();
      }
      // A stall ends the wait at once (a value, not a throw: waitFor retries on a throw).
      return Date.now() - lastProgress > stallMs ? 'stalled' : false;
    },
    500,
  ).catch(() => undefined);
  const byMark = received();
  const statuses: Record<string, number> = {};
  for (const record of load.sent) statuses[record.status] = (statuses[record.status] ?? 0) + 1;
  const refused = load.sent
    .filter((record) => record.status < 200 || record.status >= 300)
    .map((record) => record.answeredAt - load.startedAt);
  const p99: Record<string, number | null> = {};
  const acknowledgedIn: Record<string, number> = {};
  for (const [phase, [from, to]] of Object.entries(phases)) {
    acknowledgedIn[phase] = acked.filter(
      (record) => record.sentAt - load.startedAt >= from && record.sentAt - load.startedAt < to,
    ).length;
    const latencies = acked
      .filter((record) => record.sentAt - load.startedAt >= from && record.sentAt - load.startedAt < to)
      .filter((record) => Number(record.mark.split('-')[1]) % FAIL_FIRST_EVERY !== 0)
      .map((record) => (byMark.get(record.mark)?.firstAt ?? NaN) - record.sentAt)
      .filter((latency) => Number.isFinite(latency));
    p99[phase] = percentile(latencies, 99);
  }
  return {
    acknowledged: acked.length,
    lost: acked.filter((record) => !byMark.has(record.mark)).map((record) => record.mark),
    renamed: [...byMark].filter(([, entry]) => entry.ids.size > 1).map(([mark]) => mark),
    copies: stack.receiver.requests.length - byMark.size,
    statuses,
    refusedWindow: refused.length > 0 ? { fromMs: Math.min(...refused), toMs: Math.max(...refused) } : null,
    p99,
    acknowledgedIn,
  };
}

/**
 * Where lost marks stopped, for a failing spec's message: how many became events, and their
 * deliveries by status and attempts made (no event: lost before the router recorded it).
 */
export async function whereLost(marks: string[]): Promise<Record<string, number>> {
  if (marks.length === 0) return {};
  const db = await testDatabase();
  const rows = await db.query<{ state: string; count: string }[]>(
    `SELECT coalesce(d.status || '/' || d.attempts || ' attempts', 'no delivery') AS state, count(*) AS count
       FROM unnest($1::text[]) AS m(mark)
       JOIN events e ON e.data::text LIKE '%"' || m.mark || '"%'
       LEFT JOIN deliveries d ON d.event_id = e.id
      GROUP BY 1`,
    [marks.slice(0, 2000)],
  );
  const found = rows.reduce((sum, row) => sum + Number(row.count), 0);
  return {
    ...Object.fromEntries(rows.map((row) => [row.state, Number(row.count)])),
    'no event (of the first 2000)': Math.min(marks.length, 2000) - found,
  };
}

/** The dispatchers' view for a failing spec's message: their consumer lag and paused partitions. */
export async function dispatcherState(stack: LoadStack): Promise<string[]> {
  return Promise.all(
    stack.services.dispatcher.map(async (dispatcher) => {
      const text = await (await fetch(`${dispatcher.url}/metrics`)).text().catch(() => '');
      const lines = text
        .split('\n')
        .filter((line) =>
          /^gateway_(kafka_consumer_lag_messages|dispatcher_paused_partitions|deliveries_total)/.test(line),
        );
      return `${dispatcher.port}: ${lines.join('; ')}`;
    }),
  );
}

/**
 * The verdict every fault spec asserts, after printing its figures: each phase had acknowledged
 * requests, no acknowledged event is missing at the receiver, and a copy repeats its webhook-id.
 */
export async function assertNoLoss(
  stack: LoadStack,
  load: Awaited<ReturnType<typeof runLoad>>,
  verdict: LoadVerdict,
  label: string,
): Promise<void> {
  process.stdout.write(
    `${label}: ${JSON.stringify({ ...verdict, lost: verdict.lost.length, renamed: verdict.renamed.length, skipped: load.skipped })}\n`,
  );
  for (const [phase, count] of Object.entries(verdict.acknowledgedIn))
    assert.ok(count > 0, `requests sent ${phase} were acknowledged`);
  assert.deepEqual(
    verdict.lost,
    [],
    `every acknowledged event reached the receiver; the lost: ${JSON.stringify(await whereLost(verdict.lost))}; dispatchers: ${(await dispatcherState(stack)).join(' | ')}`,
  );
  assert.deepEqual(verdict.renamed, [], 'a copy repeats its webhook-id');
}

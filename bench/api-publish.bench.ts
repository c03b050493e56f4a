import { freePort, startService } from '@gateway/testing';
import { publishWithDelivery } from './api-publish-delivery';
import { startBenchStack } from './bench-stack';
import { publishRound, type Round } from './publish-round';
import { cpuSeconds, machine, summarize } from './support';

/** A round, with the api's CPU seconds during it. */
type Measured = Round & { apiCpuSeconds: number };

const figures = (rounds: Measured[]) => {
  const accepted = rounds.reduce((sum, round) => sum + round.accepted, 0);
  const cpu = rounds.reduce((sum, round) => sum + round.apiCpuSeconds, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  const { p50, p99 } = summarize(rounds.flatMap((round) => round.latencies));
  return {
    perSecond: accepted / seconds,
    p50,
    p99,
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
    apiMsPerEvent: (cpu * 1000) / accepted,
    apiCores: cpu / seconds,
  };
};

/**
 * BENCH_API_LEGS picks the legs: `keys` (the cost of API keys, below) and `delivery` (a closed
 * loop with delivery running, `publishWithDelivery`); both by default.
 */
export async function apiPublish(
  legs = new Set((process.env.BENCH_API_LEGS ?? 'keys,delivery').split(',')),
): Promise<void> {
  if (legs.has('keys')) await apiKeyCost();
  if (legs.has('delivery')) await publishWithDelivery();
}

/**
 * The cost of API keys on the hot publish path: `POST /v1/events` accepted/s and p99 with a
 * tenant key against the admin token, in one run on one api process, in alternating rounds so
 * drift (Kafka warming up, the machine's other load) falls on both alike. Target: under 10 %.
 */
async function apiKeyCost(
  rounds = Number(process.env.BENCH_API_ROUNDS ?? 6),
  seconds = Number(process.env.BENCH_API_ROUND_SECONDS ?? 6),
  concurrency = Number(process.env.BENCH_API_CONCURRENCY ?? 32),
): Promise<void> {
  const stack = await startBenchStack('api-publish', 4);
  const token = `bench-admin-${Date.now()}-token`;
  const api = await startService(
    'api',
    await freePort(),
    {
      ...stack.serviceKafkaEnv,
      DATABASE_URL: stack.databaseUrl,
      KAFKA_TOPIC_PREFIX: stack.prefix,
      ADMIN_TOKEN: token,
      LOG_LEVEL: 'warn',
    },
    stack.logDir,
  );
  try {
    const admin = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await fetch(`${api.url}/v1/tenants`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ id: 'bench', name: 'bench' }),
    });
    const created = await fetch(`${api.url}/v1/api-keys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'bench', tenant: 'bench', scopes: ['events:publish'] }),
    });
    const { key } = (await created.json()) as { key: string };
    await publishRound(api.url, token, concurrency, 3); // warm-up, not counted
    const byBearer: Record<'admin' | 'tenant', Measured[]> = { admin: [], tenant: [] };
    for (let i = 0; i < rounds; i++) {
      const who = i % 2 === 0 ? 'tenant' : 'admin';
      const before = await cpuSeconds(api.process.pid);
      const round = await publishRound(api.url, who === 'admin' ? token : key, concurrency, seconds);
      byBearer[who].push({ ...round, apiCpuSeconds: (await cpuSeconds(api.process.pid)) - before });
    }
    const adminFigures = figures(byBearer.admin);
    const tenantFigures = figures(byBearer.tenant);
    const line = (name: string, f: ReturnType<typeof figures>) =>
      `  ${name.padEnd(10)} ${f.perSecond.toFixed(0).padStart(6)} accepted/s  p50 ${f.p50.toFixed(1)} ms  p99 ${f.p99.toFixed(1)} ms  failed ${f.failed}  api CPU ${f.apiMsPerEvent.toFixed(3)} ms per accepted event (${(f.apiCores * 100).toFixed(0)}% of a core)`;
    process.stdout.write(
      [
        `api-publish: POST /v1/events, ${concurrency} callers, ${rounds} alternating rounds of ${seconds} s (${machine()})`,
        line('admin', adminFigures),
        line('tenant key', tenantFigures),
        `  cost of a tenant key: ${((1 - tenantFigures.perSecond / adminFigures.perSecond) * 100).toFixed(1)} % throughput, p99 ${((tenantFigures.p99 / adminFigures.p99 - 1) * 100).toFixed(1)} % (target: under 10 %)`,
        '',
      ].join('\n'),
    );
  } finally {
    await api.stop();
    await stack.stop();
  }
}

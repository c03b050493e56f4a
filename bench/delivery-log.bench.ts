import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createDataSource,
  DeliveriesRepository,
  EventsRepository,
  type Database,
  type DataSource,
} from '@gateway/persistence';
import { freshDatabase, repoRoot, startInfra, type Infra } from '@gateway/testing';
import { createRetainedPartitions } from './bench-stack';
import { machine, summarize } from './support';

const TENANTS = 10;
const ENDPOINTS_PER_TENANT = 10;
const TYPES = 20;

/** One statement a repository ran: kept to EXPLAIN it as it was run. */
interface Ran {
  sql: string;
  params: unknown[];
}

/** The data source, remembering the last statement run through it. */
function recording(db: DataSource): { database: Database; last: () => Ran } {
  let last: Ran = { sql: '', params: [] };
  return {
    database: {
      query: <T>(sql: string, params: unknown[] = []) => {
        last = { sql, params };
        return db.query<T>(sql, params);
      },
      transaction: (work) => db.transaction(work),
    },
    last: () => last,
  };
}

/**
 * Seeds `deliveries` deliveries (one event each, and one attempt each) with generate_series: ten
 * tenants of ten endpoints, twenty types, spread over 30 days.
 */
async function seed(db: DataSource, deliveries: number): Promise<void> {
  await db.query(
    `INSERT INTO tenants (id, name) SELECT 'tenant_' || t, 'Tenant ' || t FROM generate_series(0, ${TENANTS - 1}) t`,
  );
  await db.query(
    `INSERT INTO endpoints (id, url, event_types, tenant)
     SELECT 'ep_' || e, 'https://receiver.example/' || e, ARRAY['*'], 'tenant_' || (e % ${TENANTS})
     FROM generate_series(0, ${TENANTS * ENDPOINTS_PER_TENANT - 1}) e`,
  );
  // The day partitions of the 30 days seeded (ADR 0028), as the scheduler's maintenance leaves them.
  await createRetainedPartitions(db, 31);
  await db.query(
    `INSERT INTO events (id, type, tenant, data, occurred_at, received_at)
     SELECT 'evt_' || n, 'type.' || (n % ${TYPES}), 'tenant_' || (n % ${TENANTS}), '{"n":1}'::json,
            now() - (n * interval '1 second') * (2592000.0 / ${deliveries}),
            now() - (n * interval '1 second') * (2592000.0 / ${deliveries})
     FROM generate_series(1, ${deliveries}) n`,
  );
  await db.query(
    `INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts, created_at, updated_at, routed_at)
     SELECT 'dlv_' || n, 'evt_' || n, 'ep_' || ((n % ${TENANTS}) + ${TENANTS} * ((n / ${TENANTS}) % ${ENDPOINTS_PER_TENANT})),
            CASE WHEN n % 10 = 0 THEN 'retrying' ELSE 'delivered' END, 1,
            now() - (n * interval '1 second') * (2592000.0 / ${deliveries}),
            now() - (n * interval '1 second') * (2592000.0 / ${deliveries}), now()
     FROM generate_series(1, ${deliveries}) n`,
  );
  await db.query(
    `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, event_received_at)
     SELECT 'dlv_' || n, 1, now() - (n * interval '1 second') * (2592000.0 / ${deliveries}), 20 + n % 200,
            CASE WHEN n % 10 = 0 THEN 500 ELSE 200 END,
            now() - (n * interval '1 second') * (2592000.0 / ${deliveries})
     FROM generate_series(1, ${deliveries}) n`,
  );
  await db.query(`VACUUM ANALYZE`);
}

/** Times `calls` runs of a query; its plan's index lines as run. */
async function measure(
  name: string,
  calls: number,
  run: (n: number) => Promise<unknown>,
  explain: () => Promise<string[]>,
): Promise<string> {
  for (let n = 0; n < 5; n++) await run(n);
  const times: number[] = [];
  for (let n = 0; n < calls; n++) {
    const started = performance.now();
    await run(n);
    times.push(performance.now() - started);
  }
  const { p50, p99 } = summarize(times);
  const plan = await explain();
  const indexes = plan
    .filter((line) => /Index/.test(line))
    .map((line) => line.trim().replace(/\s+\(cost.*$/, ''));
  return `  ${name}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms over ${calls} calls; plan: ${indexes.join(' | ') || plan[0]}`;
}

/**
 * `npm run bench delivery-log`: the console's delivery-log queries against 1,000,000 deliveries
 * (issue 22): the event list (no filter, by tenant, by type, by time window, a next page) and an
 * event's deliveries (the operator's, a tenant's), plus an endpoint's 24 h stats, each timed over
 * its calls through the repositories and EXPLAINed as run. Target: under 100 ms.
 */
export async function deliveryLog(
  deliveries = Number(process.env.BENCH_DELIVERIES ?? 1_000_000),
): Promise<void> {
  let infra: Infra | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    infra = await startInfra({
      dir: path.join(repoRoot, 'tmp', 'bench-delivery-log'),
      fresh: true,
      fast: true,
      only: { kafka: false, postgres: true },
    });
    serverUrl = infra.databaseUrl;
  }
  const db = createDataSource(await freshDatabase(serverUrl, 'bench'), 2, 'bench');
  await db.initialize();
  try {
    const seedStarted = performance.now();
    await seed(db, deliveries);
    const seeded = (performance.now() - seedStarted) / 1000;
    const { database, last } = recording(db);
    const events = new EventsRepository(database);
    const deliveryRows = new DeliveriesRepository(database);
    const explain = async (): Promise<string[]> => {
      const ran = last();
      const rows = await db.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ANALYZE ${ran.sql}`, ran.params);
      return rows.map((row) => row['QUERY PLAN']);
    };
    const page = await events.list({ limit: 51 });
    const cursor: [string, string] = [page[50].sortKey, page[50].id];
    const eventOf = (n: number) => `evt_${1 + ((n * 7919) % deliveries)}`;
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const lines = [
      await measure('GET /v1/events (newest page)', 30, () => events.list({ limit: 51 }), explain),
      await measure(
        'GET /v1/events?tenant=',
        30,
        (n) => events.list({ tenant: `tenant_${n % TENANTS}`, limit: 51 }),
        explain,
      ),
      await measure(
        'GET /v1/events?type=',
        30,
        (n) => events.list({ type: `type.${n % TYPES}`, limit: 51 }),
        explain,
      ),
      await measure(
        'GET /v1/events?since=&until= (a day, 5 days ago)',
        30,
        () =>
          events.list({
            since: new Date(Date.now() - 6 * 86400_000).toISOString(),
            until: new Date(Date.now() - 5 * 86400_000).toISOString(),
            limit: 51,
          }),
        explain,
      ),
      await measure(
        'GET /v1/events?cursor= (next page)',
        30,
        () => events.list({ after: cursor, limit: 51 }),
        explain,
      ),
      await measure(
        'GET /v1/events/:id/deliveries',
        30,
        (n) => deliveryRows.listForEvent(eventOf(n), undefined, 51),
        explain,
      ),
      await measure(
        'GET /v1/events/:id/deliveries (tenant key)',
        30,
        (n) =>
          deliveryRows.listForEvent(
            eventOf(n),
            undefined,
            51,
            `tenant_${(1 + ((n * 7919) % deliveries)) % TENANTS}`,
          ),
        explain,
      ),
      await measure(
        'GET /v1/endpoints/:id/stats (24 h, 900 s buckets)',
        20,
        (n) =>
          deliveryRows.endpointStats(`ep_${n % (TENANTS * ENDPOINTS_PER_TENANT)}`, {
            since: new Date(Date.now() - 86400_000),
            until: new Date(),
            bucketSeconds: 900,
          }),
        explain,
      ),
      await measure(
        'GET /v1/events?since= (the last hour)',
        20,
        () => events.list({ since: hourAgo, limit: 51 }),
        explain,
      ),
    ];
    process.stdout.write(
      [
        `delivery-log: ${deliveries} deliveries (one event and one attempt each; ${TENANTS} tenants, ${TENANTS * ENDPOINTS_PER_TENANT} endpoints, ${TYPES} types, over 30 days), seeded in ${seeded.toFixed(1)} s`,
        ...lines,
        `  machine: ${machine()}`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.destroy();
    await infra?.stop();
  }
}

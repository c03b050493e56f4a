import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CreatedEndpointView, PublishedEventView } from '@gateway/control';
import {
  AttemptsRepository,
  createDataSource,
  DeliveriesRepository,
  EventsRepository,
  PartitionCatalog,
  TenantsRepository,
  type DataSource,
} from '@gateway/persistence';
import {
  PARTITIONED_TABLES,
  PartitionMaintenance,
  partitionName,
  TenantRetention,
  type MaintenanceReport,
} from '@gateway/scheduling';
import { controlClient, type ApiCall } from '../api/control-client';
import { freshDatabase, freshTopics, startServices } from '../support/gateway';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';

const DAY_MS = 86_400_000;
const token = `admin-${randomUUID()}`;
const run = randomUUID().slice(0, 8);
const markOf = (body: string): string | undefined => /"mark":"([^"]+)"/.exec(body)?.[1];

/**
 * Publishes through the real API at `perSecond` (a tick every 20 ms sends its share at once) until
 * stopped; every acknowledged mark is kept, and a refused publish fails the spec.
 */
class Publisher {
  readonly acknowledged: string[] = [];
  readonly failures: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private next = 0;

  constructor(
    private readonly call: ApiCall,
    private readonly perSecond: number,
  ) {}

  start(): void {
    const perTick = this.perSecond / 50;
    this.timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) this.publishOne(`${run}-${this.next++}`);
    }, 20);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }

  private publishOne(mark: string): void {
    const sent = this.call<PublishedEventView>('POST', '/v1/events', {
      type: 'retention.load',
      data: { mark },
    }).then(
      (answer) => {
        if (answer.status === 202) this.acknowledged.push(mark);
        else this.failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      },
      (error: unknown) => void this.failures.push(String(error)),
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }
}

/**
 * ADR 0028 on the real stack: expired day partitions of events, deliveries and attempts are dropped
 * while events are published at 500/s, and not one delivery is lost.
 */
describe('partition retention under load', () => {
  const receiver = new Receiver();
  let services: Record<string, RunningService> = {};
  let db: DataSource;
  let admin: ApiCall;
  let prefix = '';
  let databaseUrl = '';
  const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);

  const received = (): Set<string> =>
    new Set(receiver.requests.map((request) => markOf(request.body)).filter((mark) => mark !== undefined));

  /** The partitions each table has now. */
  const partitionsOf = async (table: string): Promise<string[]> =>
    (await new PartitionCatalog(db).list(table as 'events')).partitions.map((entry) => entry.name);

  /** Waits until every acknowledged mark reached the receiver (no loss). */
  const allDelivered = async (publisher: Publisher): Promise<void> => {
    assert.deepEqual(publisher.failures, [], 'every publish was acknowledged');
    await waitFor(`all ${publisher.acknowledged.length} published events delivered`, 120_000, () => {
      const got = received();
      return publisher.acknowledged.every((mark) => got.has(mark));
    });
  };

  /** Runs `drop` while publishing at 500/s: deliveries arrive before and after it; what it returned. */
  const underLoad = async <T>(drop: () => Promise<T>): Promise<T> => {
    const publisher = new Publisher(admin, 500);
    const before = receiver.requests.length;
    publisher.start();
    try {
      await waitFor('deliveries flowing', 60_000, () => receiver.requests.length >= before + 500);
      const result = await drop();
      const atDrop = receiver.requests.length;
      await waitFor(
        'deliveries still arriving after the drop',
        60_000,
        () => receiver.requests.length >= atDrop + 500,
      );
      return result;
    } finally {
      await publisher.stop();
      await allDelivered(publisher);
    }
  };

  before(async () => {
    await receiver.start();
    ({ prefix } = await freshTopics(4));
    databaseUrl = await freshDatabase();
    db = createDataSource(databaseUrl, 2);
    await db.initialize();
    services = await startServices(['api', 'router', 'dispatcher'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: token,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    });
    admin = controlClient(services.api.url, token);
    const endpoint = await admin<CreatedEndpointView>('POST', '/v1/endpoints', { url: receiver.url });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  });

  after(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
    await db?.destroy();
    await receiver.stop();
  });

  it("drops today's partitions with the clock moved 31 days on, while publishing at 500/s, and loses nothing", async () => {
    const firstMarks: string[] = [];
    const catalog = new PartitionCatalog(db);
    const job = (now: Date): PartitionMaintenance =>
      new PartitionMaintenance(
        {
          exclusively: (pass) => catalog.exclusively(pass),
          list: (table) => catalog.list(table),
          create: (table, name, from, to) => catalog.create(table, name, from, to),
          drop: (table, name) => catalog.drop(table, name),
          finalize: (table, name) => catalog.finalize(table, name),
          dropDetached: (name) => catalog.dropDetached(name),
          now: () => now,
          failed: (error) => assert.fail(error as Error),
          done: () => undefined,
        },
        { retentionDays: 30, aheadDays: 7, intervalMs: 3_600_000 },
      );
    const report = await underLoad(async () => {
      firstMarks.push(...received());
      return await job(new Date(Date.now() + 31 * DAY_MS)).runOnce();
    });
    for (const table of PARTITIONED_TABLES) {
      const expired = partitionName(table, today);
      assert.ok(report.dropped.includes(expired), `${expired} dropped: ${JSON.stringify(report)}`);
      assert.ok(!(await partitionsOf(table)).includes(expired));
      assert.ok(
        (await partitionsOf(table)).includes(partitionName(table, new Date(today.getTime() + 38 * DAY_MS))),
      );
    }
    const [left] = await db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM events WHERE data->>'mark' = ANY($1::text[])`,
      [firstMarks],
    );
    assert.ok(firstMarks.length >= 500);
    assert.equal(left?.count, 0, "the dropped partition's events are gone");

    // Rows written since went to the default partitions; today's partitions, created again with the
    // real clock, take them out of it (PostgreSQL would refuse the partition otherwise).
    const [inDefault] = await db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM events_default`,
    );
    assert.ok((inDefault?.count ?? 0) > 0, 'rows landed in events_default');
    const recreated: MaintenanceReport = await job(new Date()).runOnce();
    assert.ok(recreated.moved > 0, JSON.stringify(recreated));
    for (const table of PARTITIONED_TABLES) {
      assert.ok(recreated.created.includes(partitionName(table, today)));
      const [rest] = await db.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM ${table}_default`,
      );
      assert.equal(rest?.count, 0, `${table}_default emptied`);
    }
  });

  it('has the real scheduler drop back-dated expired partitions at its start, while publishing at 500/s', async () => {
    const catalog = new PartitionCatalog(db);
    const old = new Date(today.getTime() - 40 * DAY_MS);
    const oldNames = PARTITIONED_TABLES.map((table) => partitionName(table, old));
    for (const table of PARTITIONED_TABLES)
      await catalog.create(table, partitionName(table, old), old, new Date(old.getTime() + DAY_MS));
    await db.query(
      `INSERT INTO events (id, type, data, occurred_at, received_at) VALUES ($1, 'old', '{}', $2, $2)`,
      [`evt_old_${run}`, old.toISOString()],
    );
    await db.query(
      `INSERT INTO deliveries (id, event_id, endpoint_id, created_at) VALUES ($1, $2, 'ep', $3)`,
      [`dlv_old_${run}`, `evt_old_${run}`, old.toISOString()],
    );
    await db.query(
      `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, event_received_at) VALUES ($1, 1, $2, 5, $2)`,
      [`dlv_old_${run}`, old.toISOString()],
    );
    await underLoad(async () => {
      Object.assign(
        services,
        await startServices(['scheduler'], {
          KAFKA_TOPIC_PREFIX: prefix,
          DATABASE_URL: databaseUrl,
          RETENTION_DAYS: '30',
        }),
      );
      await waitFor('the scheduler dropped the expired partitions', 60_000, async () => {
        const [found] = await db.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM pg_class WHERE relname = ANY($1::text[])`,
          [oldNames],
        );
        return found?.count === 0;
      });
    });
    const [rows] = await db.query<{ count: number }[]>(
      `SELECT (SELECT count(*) FROM events WHERE id = $1) + (SELECT count(*) FROM deliveries WHERE id = $2)
            + (SELECT count(*) FROM attempts WHERE delivery_id = $2) AS count`,
      [`evt_old_${run}`, `dlv_old_${run}`],
    );
    assert.equal(Number(rows?.count), 0, "the expired partitions' rows are gone");
  });
});

/** One maintenance pass at a time; a tenant's `retentionDays` (ADR 0028): only shorter than RETENTION_DAYS, its older rows go, others' stay. */
describe("the maintenance lock, and a tenant's retentionDays", () => {
  let services: Record<string, RunningService> = {};
  let db: DataSource;
  let admin: ApiCall;

  before(async () => {
    const { prefix } = await freshTopics(1);
    const databaseUrl = await freshDatabase();
    db = createDataSource(databaseUrl, 2);
    await db.initialize();
    services = await startServices(['api'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: token,
      RETENTION_DAYS: '30',
    });
    admin = controlClient(services.api.url, token);
  });

  after(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
    await db?.destroy();
  });

  it('runs one maintenance pass at a time across schedulers (the advisory lock)', async () => {
    const catalog = new PartitionCatalog(db);
    const holder = db.createQueryRunner();
    await holder.connect();
    let inside = 0;
    try {
      await holder.query(`SELECT pg_advisory_lock(280028)`);
      assert.equal(
        await catalog.exclusively(() => Promise.resolve(void inside++)),
        false,
        'another holds it',
      );
      await holder.query(`SELECT pg_advisory_unlock(280028)`);
      assert.equal(await catalog.exclusively(() => Promise.resolve(void inside++)), true);
      assert.equal(inside, 1);
    } finally {
      await holder.release();
    }
  });

  it('is refused (422) unless shorter than RETENTION_DAYS, and shown in the tenant view', async () => {
    const refused = await admin('POST', '/v1/tenants', {
      id: `long-${run}`,
      name: 'long',
      retentionDays: 30,
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    const created = await admin<{ retentionDays: number | null }>('POST', '/v1/tenants', {
      id: `short-${run}`,
      name: 'short',
      retentionDays: 7,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.retentionDays, 7);
    assert.equal((await admin('PATCH', `/v1/tenants/short-${run}`, { retentionDays: 31 })).status, 422);
    assert.equal(
      (await admin('POST', '/v1/tenants', { id: `bad-${run}`, name: 'x', retentionDays: 0 })).status,
      400,
    );
    const plain = await admin<{ retentionDays: number | null }>('POST', '/v1/tenants', {
      id: `plain-${run}`,
      name: 'plain',
    });
    assert.equal(plain.body.retentionDays, null);
    const cleared = await admin<{ retentionDays: number | null }>('PATCH', `/v1/tenants/plain-${run}`, {
      retentionDays: 3,
    });
    assert.equal(cleared.body.retentionDays, 3);
    assert.equal(
      (
        await admin<{ retentionDays: number | null }>('PATCH', `/v1/tenants/plain-${run}`, {
          retentionDays: null,
        })
      ).body.retentionDays,
      null,
    );
  });

  it("deletes the tenant's rows older than its retentionDays in batches, and keeps its younger rows and other tenants'", async () => {
    const day = (ago: number): string => new Date(Date.now() - ago * DAY_MS).toISOString();
    /** An event of `tenant` accepted `ago` days back, delivered to the tenant's endpoint with one attempt. */
    const seed = async (tenant: string, name: string, ago: number): Promise<void> => {
      await db.query(
        `INSERT INTO events (id, type, tenant, data, occurred_at, received_at) VALUES ($1, 't', $2, '{}', $3, $3)`,
        [`evt_${name}_${run}`, tenant, day(ago)],
      );
      await db.query(
        `INSERT INTO deliveries (id, event_id, endpoint_id, created_at) VALUES ($1, $2, $3, $4)`,
        [`dlv_${name}_${run}`, `evt_${name}_${run}`, `ep_${tenant}`, day(ago)],
      );
      await db.query(
        `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, event_received_at) VALUES ($1, 1, $2, 5, $2)`,
        [`dlv_${name}_${run}`, day(ago)],
      );
    };
    for (const tenant of [`short-${run}`, `plain-${run}`])
      await db.query(
        `INSERT INTO endpoints (id, url, event_types, tenant) VALUES ($1, 'http://127.0.0.1:1/hook', '{*}', $2)`,
        [`ep_${tenant}`, tenant],
      );
    for (let i = 0; i < 5; i++) await seed(`short-${run}`, `old${i}`, 10);
    await seed(`short-${run}`, 'young', 2);
    await seed(`plain-${run}`, 'other', 10);

    const tables = {
      attempts: new AttemptsRepository(db),
      deliveries: new DeliveriesRepository(db),
      events: new EventsRepository(db),
    };
    const deleted = await new TenantRetention(
      {
        tenants: () => new TenantsRepository(db).withRetention(),
        expire: (table, tenant, cutoff, limit) => tables[table].expireForTenant(tenant, cutoff, limit),
        now: () => new Date(),
        failed: (error) => assert.fail(error as Error),
      },
      { batch: 2, intervalMs: 3_600_000 },
    ).runOnce();
    assert.equal(deleted, 15, 'five events, their deliveries and attempts');
    const left = await db.query<{ id: string }[]>(
      `SELECT id FROM events WHERE id LIKE $1 UNION ALL SELECT id FROM deliveries WHERE id LIKE $1
       UNION ALL SELECT delivery_id FROM attempts WHERE delivery_id LIKE $1 ORDER BY 1`,
      [`%_${run}`],
    );
    assert.deepEqual(
      left.map((row) => row.id),
      [
        `dlv_other_${run}`,
        `dlv_other_${run}`,
        `dlv_young_${run}`,
        `dlv_young_${run}`,
        `evt_other_${run}`,
        `evt_young_${run}`,
      ],
    );
  });
});

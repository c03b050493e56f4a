import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type {
  CreatedApiKeyView,
  CreatedEndpointView,
  DeliveryView,
  ErasureView,
  Page,
  PublishedEventView,
} from '@gateway/control';
import { createDataSource, type DataSource } from '@gateway/persistence';
import { generateSecret } from '@gateway/signing';
import { freshDatabase, freshTopics, startServices } from '../support/gateway';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { controlClient, isProblem, type ApiAnswer, type ApiCall } from './control-client';

const token = `admin-${randomUUID()}`;
const run = randomUUID().slice(0, 8);
const erased = `erased-${run}`;
const kept = `kept-${run}`;

/** ADR 0028 on the real stack: erasing a tenant leaves no row of it; dead letters expire. */
describe('retention and erasure', () => {
  const receiver = new Receiver();
  let services: Record<string, RunningService> = {};
  let db: DataSource;
  let admin: ApiCall;
  /** Every id of the erased tenant's resources. */
  const ids: string[] = [];
  let keptEvent = '';
  let prefix = '';
  let databaseUrl = '';

  const ok = async <T>(answer: Promise<ApiAnswer<T>>, status: number): Promise<T> => {
    const { status: got, body } = await answer;
    assert.equal(got, status, JSON.stringify(body));
    return body;
  };

  /** The tables (public, base tables) with a row whose text holds `needle`, and that row. */
  const rowsHolding = async (needle: string): Promise<{ table: string; row: string }[]> => {
    const tables = await db.query<{ table: string }[]>(
      `SELECT table_name AS "table" FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    assert.ok(tables.length >= 13, 'the scan reads every table');
    const found: { table: string; row: string }[] = [];
    for (const { table } of tables) {
      const rows = await db.query<{ row: string }[]>(
        `SELECT row_to_json(t)::text AS row FROM "${table}" t WHERE strpos(row_to_json(t)::text, $1) > 0`,
        [needle],
      );
      for (const { row } of rows) found.push({ table, row });
    }
    return found;
  };

  /** Publishes as `call` and waits until the delivery to `endpoint` is delivered; [event, delivery]. */
  const publishDelivered = async (call: ApiCall, endpoint: string): Promise<[string, string]> => {
    const { id } = await ok(
      call<PublishedEventView>('POST', '/v1/events', { type: 'retention.ping', data: { run } }),
      202,
    );
    const delivery = await waitFor(`event ${id} delivered`, 20000, async () => {
      const answer = await admin<Page<DeliveryView>>('GET', `/v1/events/${id}/deliveries`);
      return (
        answer.status === 200 &&
        answer.body.data.find((item) => item.endpointId === endpoint && item.status === 'delivered')
      );
    });
    return [id, delivery.id];
  };

  /** A tenant with a key, an endpoint (delivered one event) and a source; the tenant's key. */
  const populate = async (tenant: string): Promise<{ call: ApiCall; ids: string[]; event: string }> => {
    await ok(admin('POST', '/v1/tenants', { id: tenant, name: `name-${tenant}`, metadata: { run } }), 201);
    const key = await ok(
      admin<CreatedApiKeyView>('POST', '/v1/api-keys', {
        name: 'all',
        tenant,
        scopes: ['events:publish', 'events:read', 'endpoints:write', 'endpoints:read', 'sources:write'],
      }),
      201,
    );
    const call = controlClient(services.api.url, key.key);
    const endpoint = await ok(call<CreatedEndpointView>('POST', '/v1/endpoints', { url: receiver.url }), 201);
    const source = await ok(
      call<{ id: string }>('POST', '/v1/sources', {
        name: 'billing',
        provider: 'standard-webhooks',
        secrets: [generateSecret()],
      }),
      201,
    );
    const [event, delivery] = await publishDelivered(call, endpoint.id);
    return { call, ids: [key.id, endpoint.id, source.id, event, delivery], event };
  };

  before(async () => {
    await receiver.start();
    ({ prefix } = await freshTopics(1));
    databaseUrl = await freshDatabase();
    db = createDataSource(databaseUrl, 1);
    await db.initialize();
    services = await startServices(['api', 'router', 'dispatcher', 'scheduler'], {
      DEAD_LETTER_RETENTION_DAYS: '7',
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: token,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    });
    admin = controlClient(services.api.url, token);
  });

  after(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
    await db?.destroy();
    await receiver.stop();
  });

  it('refuses a tenant key and a malformed erase flag', async () => {
    const tenant = await populate(erased);
    ids.push(...tenant.ids);
    const byTenant = await tenant.call('DELETE', `/v1/tenants/${erased}?erase=true`);
    assert.ok(isProblem(byTenant, 403) || byTenant.status === 401, JSON.stringify(byTenant.body));
    assert.ok(isProblem(await admin('DELETE', `/v1/tenants/${erased}?erase=maybe`), 400));
    assert.ok(isProblem(await admin('DELETE', `/v1/tenants/nobody-${run}?erase=true`), 404));
  });

  it("leaves no row of the tenant or its resources in any table, and keeps another tenant's", async () => {
    keptEvent = (await populate(kept)).event;
    const [endpoint] = ids.slice(1, 2);
    const [event, delivery] = ids.slice(3, 5);
    // Rows the scheduler would hold for a failing endpoint, and the ingress's dedup key of the source.
    await db.query(
      `INSERT INTO retries (delivery_id, attempt, endpoint_id, due_at, task) VALUES ($1, 2, $2, now() + interval '1 hour', $3)`,
      [delivery, endpoint, JSON.stringify({ eventId: event })],
    );
    await db.query(
      `INSERT INTO dead_letters (delivery_id, attempt, endpoint_id, event_id, dead_at, last_error, task)
       VALUES ($1, 3, $2, $3, now(), 'gone', $4)`,
      [delivery, endpoint, event, JSON.stringify({ eventId: event })],
    );
    await db.query(
      `INSERT INTO inbound_dedup (source_id, dedup_key, inbound_id, first_seen_at, expires_at)
       VALUES ($1, 'k', 'i', now(), now() + interval '1 day')`,
      [ids[2]],
    );
    for (const id of [erased, ...ids])
      assert.ok((await rowsHolding(id)).length > 0, `${id} is stored before`);

    const answer = await ok(admin<ErasureView>('DELETE', `/v1/tenants/${erased}?erase=true`), 200);
    assert.equal(answer.tenant, erased);
    assert.deepEqual(answer.erased, { endpoints: 1, sources: 1, events: 1, deliveries: 1, apiKeys: 1 });
    const deadLetter = answer.kafka.find((topic) => topic.topic.endsWith('dead-letter'));
    assert.equal(
      deadLetter?.retentionMs,
      -1,
      'the dead-letter topic keeps records forever: the answer says so',
    );
    assert.ok(answer.kafka.length >= 6);

    for (const id of ids) assert.deepEqual(await rowsHolding(id), [], id);
    // The tenant's id stays in two rows only: its tombstone (nothing else in it) and the erasure's audit entry.
    const left = await rowsHolding(erased);
    assert.deepEqual(left.map((row) => row.table).sort(), ['audit_log', 'tenants'], JSON.stringify(left));
    assert.ok(
      left.find((row) => row.table === 'audit_log')!.row.includes('"tenant.erase"'),
      'recorded as an erasure',
    );
    const tombstone = JSON.parse(left.find((row) => row.table === 'tenants')!.row) as Record<string, unknown>;
    assert.equal(tombstone.name, '');
    assert.deepEqual(tombstone.metadata, {});
    assert.ok(!left.some((row) => row.row.includes(`name-${erased}`)));

    // Another tenant's rows stay; the id is not reused; a second erasure is harmless.
    assert.equal((await admin('GET', `/v1/events/${keptEvent}`)).status, 200);
    assert.ok((await rowsHolding(kept)).some((row) => row.table === 'endpoints'));
    assert.ok(isProblem(await admin('POST', '/v1/tenants', { id: erased, name: 'again' }), 409));
    const again = await ok(admin<ErasureView>('DELETE', `/v1/tenants/${erased}?erase=true`), 200);
    assert.deepEqual(again.erased, { endpoints: 0, sources: 0, events: 0, deliveries: 0, apiKeys: 0 });
  });

  it('expires dead letters older than DEAD_LETTER_RETENTION_DAYS, and keeps younger ones', async () => {
    const row = `INSERT INTO dead_letters (delivery_id, attempt, endpoint_id, event_id, dead_at, last_error, task)
       VALUES ($1, 1, 'ep', 'ev', now() - $2::interval, 'gone', '{}')`;
    await db.query(row, [`young-${run}`, '6 days']);
    await db.query(row, [`old-${run}`, '8 days']);
    // The scheduler's first pass ran at its start; the restart makes one after the rows exist.
    await services.scheduler.stop();
    Object.assign(
      services,
      await startServices(['scheduler'], {
        KAFKA_TOPIC_PREFIX: prefix,
        DATABASE_URL: databaseUrl,
        DEAD_LETTER_RETENTION_DAYS: '7',
      }),
    );
    await waitFor(
      'the old dead letter expired',
      20000,
      async () => (await rowsHolding(`old-${run}`)).length === 0,
    );
    assert.equal((await rowsHolding(`young-${run}`)).length, 1);
  });
});

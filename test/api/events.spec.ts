import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type {
  AttemptView,
  CreatedApiKeyView,
  DeliveryView,
  EventView,
  Page,
  PublishedEventView,
} from '@gateway/control';
import { createDataSource, type DataSource } from '@gateway/persistence';
import type { TopicNames } from '@gateway/schemas';
import { collect, freshTopics, startServices, testInfra } from '../support/gateway';
import { postOversized } from '../support/ingress';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { controlClient, isProblem, problemPaths, type ApiCall, type Problem } from './control-client';

const token = `admin-${randomUUID()}`;

type Collected = Awaited<ReturnType<typeof collect>>;

describe('control API: publishing events and reading the event log', () => {
  let api: RunningService;
  let router: RunningService;
  let call: ApiCall;
  let topics: TopicNames;
  let events: Collected;
  let db: DataSource;

  before(async () => {
    const fresh = await freshTopics(2);
    topics = fresh.topics;
    // The router records what the API publishes, so the log can be read back end to end.
    ({ api, router } = (await startServices(['api', 'router'], {
      KAFKA_TOPIC_PREFIX: fresh.prefix,
      ADMIN_TOKEN: token,
    })) as {
      api: RunningService;
      router: RunningService;
    });
    call = controlClient(api.url, token);
    events = await collect(topics.events);
    db = createDataSource(testInfra().databaseUrl, 1);
    await db.initialize();
  });

  after(async () => {
    await events?.consumer.disconnect();
    await db?.destroy();
    await Promise.all([api?.stop(), router?.stop()]);
  });

  const onTopic = (id: string) =>
    waitFor(`event ${id} on ${topics.events}`, 15000, () =>
      events.messages.find((message) => (JSON.parse(message.value) as { id?: string }).id === id),
    );

  describe('POST /v1/events', () => {
    it('answers 202 with a new evt_ id once the event is on the events topic, with the same data', async () => {
      const data = { amount: 1200, currency: 'EUR', lines: [{ sku: 'a', qty: 2 }], note: null };
      const answer = await call<PublishedEventView>('POST', '/v1/events', { type: 'invoice.paid', data });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.deepEqual(Object.keys(answer.body), ['id']);
      assert.match(answer.body.id, /^evt_[A-Za-z0-9_-]{16,}$/);
      const message = await onTopic(answer.body.id);
      const value = JSON.parse(message.value) as Record<string, unknown>;
      assert.equal(value.type, 'invoice.paid');
      assert.deepEqual(value.data, data);
      assert.ok(
        typeof value.occurredAt === 'string' && Math.abs(Date.parse(value.occurredAt) - Date.now()) < 60_000,
        'occurredAt filled in',
      );
      assert.equal(message.key, answer.body.id, 'keyed by the event id');
    });

    it('keeps a given id, tenant and occurredAt, keys by orderingKey, and carries the traceparent', async () => {
      const id = `evt_${randomUUID()}`;
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const body = {
        type: 'order.created',
        data: ['any', 'json', 1],
        id,
        tenant: 'acme',
        occurredAt: '2026-01-02T03:04:05.678+01:00',
        orderingKey: 'order-9',
      };
      const answer = await call<PublishedEventView>('POST', '/v1/events', body, { headers: { traceparent } });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, { id });
      const message = await onTopic(id);
      assert.deepEqual(JSON.parse(message.value), body);
      assert.equal(message.key, 'order-9');
      assert.equal(message.headers.traceparent, traceparent);
    });

    it('is recorded by the router and then readable in the event log', async () => {
      const data = { order: 42, items: [{ sku: 'x', qty: 1 }] };
      const published = await call<PublishedEventView>('POST', '/v1/events', {
        type: 'order.shipped',
        data,
        tenant: 'acme',
      });
      assert.equal(published.status, 202);
      const recorded = await waitFor('the event in the log', 20000, async () => {
        const answer = await call<EventView>('GET', `/v1/events/${published.body.id}`);
        return answer.status === 200 ? answer.body : undefined;
      });
      assert.equal(recorded.type, 'order.shipped');
      assert.equal(recorded.tenant, 'acme');
      assert.deepEqual(recorded.data, data);
      const listed = await call<Page<EventView>>(
        'GET',
        `/v1/events?type=order.shipped&tenant=acme&limit=100`,
      );
      assert.ok(listed.body.data.some((event) => event.id === published.body.id));
    });

    it('validates the body with the webhooks.events contract', async () => {
      for (const [body, field] of [
        [{ data: { a: 1 } }, 'type'],
        [{ type: 'has space', data: 1 }, 'type'],
        [{ type: 'a.b' }, 'data'],
        [{ type: 'a.b', data: 1, occurredAt: 'yesterday' }, 'occurredAt'],
        // PostgreSQL refuses the year 0000: the router would fail to record it on every retry.
        [{ type: 'a.b', data: 1, occurredAt: '0000-01-01T00:00:00Z' }, 'occurredAt'],
        [{ type: 'a.b', data: 1, tenant: '' }, 'tenant'],
        // PostgreSQL cannot store NUL: the router would fail to record it on every retry.
        [{ type: 'a.b', data: { customer: { name: 'a\u0000b' } } }, 'data.customer.name'],
      ] as const) {
        const answer = await call('POST', '/v1/events', body);
        assert.ok(isProblem(answer, 400), JSON.stringify(answer.body));
        assert.deepEqual(problemPaths(answer), [field], JSON.stringify(body));
      }
      const malformed = await call('POST', '/v1/events', undefined, { raw: '{"type":' });
      assert.ok(isProblem(malformed, 400), JSON.stringify(malformed.body));
    });

    // Issue 19, defect 2: this body was answered 500 (a stack overflow), not 400.
    it('answers 400 naming the limit to a body nested 5,000 levels deep, and to data deeper than 64 levels', async () => {
      const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
      const deep = await call<Problem>('POST', '/v1/events', undefined, {
        raw: `{"type":"a.b","data":${nested(5000)}}`,
      });
      assert.ok(isProblem(deep, 400), JSON.stringify(deep.body));
      assert.match(deep.body.detail, /deeper than 72 levels/);
      const deepData = await call<Problem>('POST', '/v1/events', undefined, {
        raw: `{"type":"a.b","data":${nested(65)}}`,
      });
      assert.ok(isProblem(deepData, 400), JSON.stringify(deepData.body));
      assert.deepEqual(deepData.body.errors, [{ path: 'data', message: 'nests deeper than 64 levels' }]);
      const atLimit = await call('POST', '/v1/events', undefined, {
        raw: `{"type":"a.b","data":${nested(64)}}`,
      });
      assert.equal(atLimit.status, 202, JSON.stringify(atLimit.body));
    });

    it('answers 400 to text PostgreSQL cannot store: a lone surrogate', async () => {
      const answer = await call('POST', '/v1/events', undefined, {
        raw: '{"type":"a.b","data":{"name":"\\ud800"}}',
      });
      assert.ok(isProblem(answer, 400), JSON.stringify(answer.body));
      assert.deepEqual(problemPaths(answer), ['data.name']);
    });

    // ADR 0033: the route is served ahead of Fastify; what it answers is pinned here, not assumed.
    it('answers 202 to application/json with parameters, and a 415 problem to another or no media type', async () => {
      const body = JSON.stringify({ type: 'a.b', data: 1 });
      const charset = await call('POST', '/v1/events', undefined, {
        raw: body,
        headers: { 'content-type': 'Application/JSON; charset=utf-8' },
      });
      assert.equal(charset.status, 202, JSON.stringify(charset.body));
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
        const answer = await call('POST', '/v1/events', undefined, {
          raw: body,
          headers: { 'content-type': contentType },
        });
        assert.ok(isProblem(answer, 415), `${contentType}: ${JSON.stringify(answer.body)}`);
      }
      const none = await fetch(`${api.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: new Uint8Array(Buffer.from(body)),
      });
      assert.equal(none.status, 415, await none.text());
    });

    it('answers a problem to an empty body (400), a body over 1 MiB (413, declared or streamed), and a prototype key (400)', async () => {
      const empty = await call('POST', '/v1/events', undefined, { raw: '' });
      assert.ok(isProblem(empty, 400), JSON.stringify(empty.body));
      const huge = JSON.stringify({ type: 'a.b', data: 'x'.repeat(1024 * 1024) });
      const declared = await call('POST', '/v1/events', undefined, { raw: huge });
      assert.ok(isProblem(declared, 413), JSON.stringify(declared.body));
      // No content-length: the body streams in chunks and is counted while it arrives.
      const chunks = [Buffer.from(huge.slice(0, 600_000)), Buffer.from(huge.slice(600_000))];
      const streamed = await fetch(`${api.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
            controller.close();
          },
        }),
        duplex: 'half',
      });
      assert.equal(streamed.status, 413, await streamed.text());
      const poisoned = await call('POST', '/v1/events', undefined, {
        raw: '{"type":"a.b","data":{"__proto__":{"admin":true}}}',
      });
      assert.ok(isProblem(poisoned, 400), JSON.stringify(poisoned.body));
      const exact = await call<PublishedEventView>('POST', '/v1/events', undefined, {
        raw: '{"type":"a.b","data":{"big":12345678901234567890}}',
      });
      assert.equal(exact.status, 202, JSON.stringify(exact.body));
      assert.match((await onTopic(exact.body.id)).value, /"big":12345678901234567890\b/, 'kept exact');
    });

    it('delivers the 413 to a client that keeps sending its oversized body, declared or chunked', async () => {
      const huge = Buffer.alloc(4 * 1024 * 1024, 0x61);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      for (let i = 0; i < 3; i++) {
        for (const chunked of [false, true]) {
          const answer = await postOversized(`${api.url}/v1/events`, headers, huge, chunked, 0);
          assert.equal(answer.status, 413, `chunked ${chunked}: ${answer.text}`);
          assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/);
        }
      }
    });

    it('answers 401 with WWW-Authenticate to no or a wrong bearer, and 403 to a key without events:publish', async () => {
      for (const presented of [
        null,
        'not-the-token',
        'gwk_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ]) {
        const answer = await call('POST', '/v1/events', { type: 'a.b', data: 1 }, { token: presented });
        assert.ok(isProblem(answer, 401), `${presented}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
      }
      const narrow = await call<CreatedApiKeyView>('POST', '/v1/api-keys', {
        name: 'reader',
        scopes: ['events:read'],
      });
      assert.equal(narrow.status, 201, JSON.stringify(narrow.body));
      const answer = await call('POST', '/v1/events', { type: 'a.b', data: 1 }, { token: narrow.body.key });
      assert.ok(isProblem(answer, 403), JSON.stringify(answer.body));
      assert.match(answer.body.detail, /events:publish/);
    });

    it("publishes a tenant key's event as its tenant's, and refuses the key once revoked", async () => {
      const tenant = `tenant-${randomUUID()}`;
      assert.equal((await call('POST', '/v1/tenants', { id: tenant, name: tenant })).status, 201);
      const created = await call<CreatedApiKeyView>('POST', '/v1/api-keys', {
        name: 'publisher',
        tenant,
        scopes: ['events:publish'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const publish = () =>
        call<PublishedEventView>(
          'POST',
          '/v1/events',
          { type: 'a.b', data: 1, tenant: 'someone-else' },
          { token: created.body.key },
        );
      const published = await publish();
      assert.equal(published.status, 202, JSON.stringify(published.body));
      const value = JSON.parse((await onTopic(published.body.id)).value) as { tenant?: string };
      assert.equal(value.tenant, tenant, 'confined to its tenant, whatever the body says');
      assert.equal((await call('DELETE', `/v1/api-keys/${created.body.id}`)).status, 204);
      // The key stays cached for 30 s unless the revocation's NOTIFY reaches the api: refused well before.
      await waitFor('the revoked key refused', 10_000, async () => (await publish()).status === 401);
      assert.equal((await publish()).status, 401, 'and refused from then on');
    });

    it('answers 503 with Retry-After when Kafka does not acknowledge', async () => {
      // A prefix whose topics were never created: the producer may not create them, so no ack comes.
      // The start-up topic check would keep it not ready; `warn` lets it serve (the operator's choice).
      const { api: orphan } = (await startServices(['api'], {
        KAFKA_TOPIC_PREFIX: `missing${randomUUID().slice(0, 8)}.`,
        KAFKA_TOPIC_CHECK: 'warn',
        ADMIN_TOKEN: token,
      })) as {
        api: RunningService;
      };
      try {
        const answer = await controlClient(orphan.url, token)('POST', '/v1/events', {
          type: 'invoice.paid',
          data: {},
        });
        assert.ok(isProblem(answer, 503), JSON.stringify(answer.body));
        assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
      } finally {
        await orphan.stop();
      }
    });
  });

  describe('event log', () => {
    const tenant = `tenant-${randomUUID()}`;
    const id = (name: string) => `${name}-${tenant}`;
    const base = Date.parse('2026-03-01T12:00:00.000Z');
    const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();

    before(async () => {
      // The router writes these tables; the API only reads them.
      for (const [name, type, seconds] of [
        ['e1', 'invoice.paid', 0],
        ['e2', 'invoice.voided', 10],
        ['e3', 'invoice.paid', 20],
        ['e4', 'customer.created', 30],
      ] as const) {
        await db.query(
          `INSERT INTO events (id, type, tenant, data, occurred_at, received_at) VALUES ($1, $2, $3, $4::json, $5, $6)`,
          [
            id(name),
            type,
            tenant,
            JSON.stringify({ n: name, nested: { ok: true } }),
            at(seconds - 1),
            at(seconds),
          ],
        );
      }
      await db.query(
        `INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts, created_at, updated_at, next_attempt_at)
         VALUES ($1, $3, 'ep_a', 'delivered', 1, $4, $5, NULL), ($2, $3, 'ep_b', 'retrying', 2, $5, $6, $7)`,
        [id('d1'), id('d2'), id('e1'), at(1), at(2), at(3), at(600)],
      );
      await db.query(
        `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
                               event_received_at)
         VALUES ($1, 1, $2, 120, 503, 'HTTP 503', 'try later', $4), ($1, 2, $3, 30000, NULL, 'timeout', NULL, $4)`,
        [id('d2'), at(2), at(7), at(2)],
      );
    });

    it('lists events newest first with cursor pagination', async () => {
      const first = await call<Page<EventView>>('GET', `/v1/events?tenant=${tenant}&limit=3`);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(
        first.body.data.map((event) => event.id),
        [id('e4'), id('e3'), id('e2')],
      );
      assert.ok(first.body.nextCursor);
      const second = await call<Page<EventView>>(
        'GET',
        `/v1/events?tenant=${tenant}&limit=3&cursor=${first.body.nextCursor}`,
      );
      assert.deepEqual(
        second.body.data.map((event) => event.id),
        [id('e1')],
      );
      assert.equal(second.body.nextCursor, null);
    });

    it('filters by type, since and until', async () => {
      const byType = await call<Page<EventView>>('GET', `/v1/events?tenant=${tenant}&type=invoice.paid`);
      assert.deepEqual(
        byType.body.data.map((event) => event.id),
        [id('e3'), id('e1')],
      );
      const window = await call<Page<EventView>>(
        'GET',
        `/v1/events?tenant=${tenant}&since=${encodeURIComponent(at(10))}&until=${encodeURIComponent(at(30))}`,
      );
      assert.deepEqual(
        window.body.data.map((event) => event.id),
        [id('e3'), id('e2')],
        'since inclusive, until exclusive',
      );
      const bad = await call('GET', `/v1/events?since=yesterday`);
      assert.ok(isProblem(bad, 400));
      assert.deepEqual(problemPaths(bad), ['since']);
      // A format zod accepts and PostgreSQL refuses (22008): it was answered 500 (issue 19).
      const yearZero = await call('GET', `/v1/events?since=0000-01-01T00:00:00Z`);
      assert.ok(isProblem(yearZero, 400), JSON.stringify(yearZero.body));
      assert.deepEqual(problemPaths(yearZero), ['since']);
    });

    // Found by the fuzz suite (issue 19): a NUL in a path parameter reached PostgreSQL (22021), 500.
    it('answers 400 naming the parameter to an id PostgreSQL cannot store, and a problem to a URL it cannot route', async () => {
      const nul = await call('GET', '/v1/events/a%00b');
      assert.ok(isProblem(nul, 400), JSON.stringify(nul.body));
      assert.deepEqual(problemPaths(nul), ['id']);
      assert.ok(
        isProblem(await call('GET', `/v1/events/${'x'.repeat(200)}`), 400),
        'a path segment over 100 characters',
      );
      assert.ok(
        isProblem(await call('GET', `/v1/events?type=${'x'.repeat(20_000)}`), 431),
        'a head over 16 KB',
      );
    });

    it('reads one event as recorded', async () => {
      const answer = await call<EventView>('GET', `/v1/events/${id('e2')}`);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, {
        id: id('e2'),
        type: 'invoice.voided',
        tenant,
        data: { n: 'e2', nested: { ok: true } },
        occurredAt: at(9),
        receivedAt: at(10),
      });
      assert.ok(isProblem(await call('GET', '/v1/events/evt_unknown'), 404));
    });

    describe('status filter', () => {
      const statusTenant = `status-${tenant}`;
      const event = (name: string) => `${name}-${statusTenant}`;

      before(async () => {
        // Each delivery in its event's partition: created_at = the event's received_at (ADR 0028).
        const rows: [name: string, seconds: number, statuses: string[]][] = [
          ['s1', 0, ['delivered']],
          ['s2', 10, ['dead']],
          ['s3', 20, ['delivered', 'dead']],
          ['s4', 30, ['retrying']],
          ['s5', 40, []],
        ];
        for (const [name, seconds, statuses] of rows) {
          await db.query(
            `INSERT INTO events (id, type, tenant, data, occurred_at, received_at) VALUES ($1, 'order.paid', $2, '{}', $3, $3)`,
            [event(name), statusTenant, at(seconds)],
          );
          for (const [index, status] of statuses.entries())
            await db.query(
              `INSERT INTO deliveries (id, event_id, endpoint_id, status, attempts, created_at, updated_at)
               VALUES ($1, $2, $3, $4, 1, $5, $5)`,
              [`${event(name)}-d${index}`, event(name), `ep_${index}`, status, at(seconds)],
            );
        }
      });

      const listed = async (query: string): Promise<Page<EventView>> => {
        const answer = await call<Page<EventView>>('GET', `/v1/events?tenant=${statusTenant}&${query}`);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        return answer.body;
      };
      const ids = (page: Page<EventView>) => page.data.map((item) => item.id);

      it('finds the events with a delivery in the status, newest first, each once', async () => {
        assert.deepEqual(ids(await listed('status=delivered')), [event('s3'), event('s1')]);
        assert.deepEqual(ids(await listed('status=dead')), [event('s3'), event('s2')]);
        assert.deepEqual(ids(await listed('status=retrying')), [event('s4')]);
        assert.deepEqual(ids(await listed('status=pending')), []);
        assert.deepEqual(ids(await listed(`status=dead&until=${encodeURIComponent(at(20))}`)), [event('s2')]);
      });

      it('pages with the cursor like the other filters', async () => {
        const first = await listed('status=dead&limit=1');
        assert.deepEqual(ids(first), [event('s3')]);
        assert.ok(first.nextCursor);
        const second = await listed(`status=dead&limit=1&cursor=${first.nextCursor}`);
        assert.deepEqual(ids(second), [event('s2')]);
        assert.equal(second.nextCursor, null);
      });

      it("keeps a tenant key to its tenant's events", async () => {
        assert.equal((await call('POST', '/v1/tenants', { id: statusTenant, name: 'Status' })).status, 201);
        const key = await call<CreatedApiKeyView>('POST', '/v1/api-keys', {
          name: 'status',
          tenant: statusTenant,
          scopes: ['events:read'],
        });
        assert.equal(key.status, 201, JSON.stringify(key.body));
        const asTenant = (query: string) =>
          call<Page<EventView>>('GET', `/v1/events?${query}`, undefined, { token: key.body.key });
        const mine = await asTenant('status=dead');
        assert.equal(mine.status, 200, JSON.stringify(mine.body));
        assert.deepEqual(ids(mine.body), [event('s3'), event('s2')]);
        assert.deepEqual(ids((await asTenant(`status=delivered&tenant=${tenant}`)).body), []);
      });

      it('answers 400 naming status to an unknown one', async () => {
        for (const status of ['failed', 'DEAD', '']) {
          const bad = await call('GET', `/v1/events?status=${status}`);
          assert.ok(isProblem(bad, 400), `${status}: ${JSON.stringify(bad.body)}`);
          assert.deepEqual(problemPaths(bad), ['status']);
        }
      });
    });

    it("lists an event's deliveries", async () => {
      const answer = await call<Page<DeliveryView>>('GET', `/v1/events/${id('e1')}/deliveries`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, {
        data: [
          {
            id: id('d1'),
            eventId: id('e1'),
            endpointId: 'ep_a',
            status: 'delivered',
            attempts: 1,
            nextAttemptAt: null,
            createdAt: at(1),
            updatedAt: at(2),
          },
          {
            id: id('d2'),
            eventId: id('e1'),
            endpointId: 'ep_b',
            status: 'retrying',
            attempts: 2,
            nextAttemptAt: at(600),
            createdAt: at(2),
            updatedAt: at(3),
          },
        ],
        nextCursor: null,
      });
      const paged = await call<Page<DeliveryView>>('GET', `/v1/events/${id('e1')}/deliveries?limit=1`);
      const rest = await call<Page<DeliveryView>>(
        'GET',
        `/v1/events/${id('e1')}/deliveries?limit=1&cursor=${paged.body.nextCursor}`,
      );
      assert.deepEqual(
        [...paged.body.data, ...rest.body.data].map((delivery) => delivery.id),
        [id('d1'), id('d2')],
      );
      assert.deepEqual((await call<Page<DeliveryView>>('GET', `/v1/events/${id('e3')}/deliveries`)).body, {
        data: [],
        nextCursor: null,
      });
      assert.ok(isProblem(await call('GET', '/v1/events/evt_unknown/deliveries'), 404));
    });

    it("lists a delivery's attempts", async () => {
      const answer = await call<Page<AttemptView>>('GET', `/v1/deliveries/${id('d2')}/attempts`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, {
        data: [
          {
            attempt: 1,
            startedAt: at(2),
            durationMs: 120,
            statusCode: 503,
            error: 'HTTP 503',
            responseBody: 'try later',
          },
          {
            attempt: 2,
            startedAt: at(7),
            durationMs: 30000,
            statusCode: null,
            error: 'timeout',
            responseBody: null,
          },
        ],
        nextCursor: null,
      });
      const first = await call<Page<AttemptView>>('GET', `/v1/deliveries/${id('d2')}/attempts?limit=1`);
      assert.deepEqual(
        first.body.data.map((item) => item.attempt),
        [1],
      );
      const second = await call<Page<AttemptView>>(
        'GET',
        `/v1/deliveries/${id('d2')}/attempts?limit=1&cursor=${first.body.nextCursor}`,
      );
      assert.deepEqual(
        second.body.data.map((item) => item.attempt),
        [2],
      );
      assert.deepEqual((await call<Page<AttemptView>>('GET', `/v1/deliveries/${id('d1')}/attempts`)).body, {
        data: [],
        nextCursor: null,
      });
      assert.ok(isProblem(await call('GET', '/v1/deliveries/msg_unknown/attempts'), 404));
    });
  });
});

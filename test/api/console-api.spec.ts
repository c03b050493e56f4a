import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type {
  CreatedApiKeyView,
  CreatedEndpointView,
  DeliveryView,
  EndpointStatsView,
  EndpointView,
  EventView,
  HealthOverviewView,
  MeView,
  Page,
  PortalSessionView,
  SourceStatsView,
  TestEventView,
} from '@gateway/control';
import { allScopes, portalScopes } from '@gateway/control';
import { generateSecret } from '@gateway/signing';
import { freshTopics, startServices } from '../support/gateway';
import { post, standardWebhooksHeaders } from '../support/ingress';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { controlClient, isProblem, type ApiAnswer, type ApiCall } from './control-client';

const token = `admin-${randomUUID()}`;
const run = randomUUID().slice(0, 8);
const tenantA = `console-a-${run}`;
const tenantB = `console-b-${run}`;

type Json = Record<string, unknown>;

describe('console API: me, portal sessions, test events, stats, health overview', () => {
  const receiverA = new Receiver();
  const receiverB = new Receiver();
  const receiverAll = new Receiver();
  /** Answers 500 to events whose data says `ok: false`. */
  const receiverStats = new Receiver((request) => ({
    status: request.body.includes('"ok":false') ? 500 : 200,
  }));
  let services: Record<string, RunningService>;
  let admin: ApiCall;
  let portal: ApiCall;
  let session: PortalSessionView;
  /** Opened first with the shortest ttl; checked last, once it has passed. */
  let shortSession: PortalSessionView;
  let endpointA: CreatedEndpointView;
  let endpointB: CreatedEndpointView;
  let endpointStats: CreatedEndpointView;
  let catchAll: CreatedEndpointView;

  const ok = async <T>(answer: Promise<ApiAnswer<T>>, status: number): Promise<T> => {
    const { status: got, body } = await answer;
    assert.equal(got, status, JSON.stringify(body));
    return body;
  };

  /** A key of tenant A with these scopes. */
  const tenantKey = (scopes: string[]): Promise<CreatedApiKeyView> =>
    ok(admin<CreatedApiKeyView>('POST', '/v1/api-keys', { name: 'key', tenant: tenantA, scopes }), 201);

  before(async () => {
    await Promise.all([receiverA.start(), receiverB.start(), receiverAll.start(), receiverStats.start()]);
    const { prefix } = await freshTopics(2);
    const shared = { KAFKA_TOPIC_PREFIX: prefix, ADMIN_TOKEN: token };
    const workers = await startServices(['ingress', 'router', 'dispatcher', 'scheduler'], {
      ...shared,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
      BREAKER_FAILURE_THRESHOLD: '2',
      SOURCE_STATS_FLUSH_MS: '200',
    });
    const healthUrls = Object.entries(workers)
      .map(([name, service]) => `${name}=${service.url}`)
      .join(',');
    const { api } = await startServices(['api'], {
      ...shared,
      HEALTH_SERVICE_URLS: healthUrls,
      CONSOLE_BRAND_NAME: 'Console test',
      CONSOLE_BRAND_LOGO_URL: 'https://example.com/logo.svg',
    });
    services = { ...workers, api };
    admin = controlClient(api.url, token);
    await ok(
      admin('POST', '/v1/tenants', {
        id: tenantA,
        name: 'A',
        branding: { name: 'A Corp', primaryColor: '#112233' },
      }),
      201,
    );
    await ok(admin('POST', '/v1/tenants', { id: tenantB, name: 'B' }), 201);
    shortSession = await ok(
      admin<PortalSessionView>('POST', `/v1/tenants/${tenantA}/portal-sessions`, { ttlSeconds: 60 }),
      201,
    );
    session = await ok(admin<PortalSessionView>('POST', `/v1/tenants/${tenantA}/portal-sessions`), 201);
    portal = controlClient(api.url, session.token);
    const create = (body: Json) => ok(admin<CreatedEndpointView>('POST', '/v1/endpoints', body), 201);
    endpointA = await create({ url: receiverA.url, tenant: tenantA });
    endpointB = await create({ url: receiverB.url, tenant: tenantB });
    // Subscribed to no published type: a test event reaches it all the same (the router is not asked).
    endpointStats = await create({ url: receiverStats.url, eventTypes: ['console.none'] });
    // Subscribed to every event of every tenant: a test event must still not reach it.
    catchAll = await create({ url: receiverAll.url });
  });

  after(async () => {
    await Promise.all(Object.values(services ?? {}).map((service) => service.stop()));
    await Promise.all([receiverA.stop(), receiverB.stop(), receiverAll.stop(), receiverStats.stop()]);
  });

  describe('GET /v1/me', () => {
    it('tells the admin token it is the admin, with every scope and the config branding', async () => {
      const me = await ok(admin<MeView>('GET', '/v1/me'), 200);
      assert.deepEqual(me, {
        admin: true,
        keyId: null,
        tenantId: null,
        scopes: [...allScopes].sort(),
        expiresAt: null,
        branding: { name: 'Console test', logoUrl: 'https://example.com/logo.svg', primaryColor: null },
      });
    });

    it("answers any key, even one without a scope of the route, with its tenant's branding over the config", async () => {
      const key = await tenantKey(['audit:read']);
      const me = await ok(controlClient(services.api.url, key.key)<MeView>('GET', '/v1/me'), 200);
      assert.deepEqual(me, {
        admin: false,
        keyId: key.id,
        tenantId: tenantA,
        scopes: ['audit:read'],
        expiresAt: null,
        branding: { name: 'A Corp', logoUrl: 'https://example.com/logo.svg', primaryColor: '#112233' },
      });
      const none = await admin('GET', '/v1/me', undefined, { token: null });
      assert.ok(isProblem(none, 401));
    });

    it('refuses branding that is not an https logo or a #rrggbb colour, and clears it with null', async () => {
      for (const branding of [
        { logoUrl: 'http://example.com/logo.png' },
        { primaryColor: 'red' },
        { name: '' },
        { other: 1 },
        'x',
      ]) {
        const answer = await admin('PATCH', `/v1/tenants/${tenantB}`, { branding });
        assert.ok(isProblem(answer, 400), JSON.stringify(branding));
      }
      const set = await ok(
        admin<Json>('PATCH', `/v1/tenants/${tenantB}`, { branding: { logoUrl: 'https://b.example/l.png' } }),
        200,
      );
      assert.deepEqual(set.branding, { logoUrl: 'https://b.example/l.png' });
      const cleared = await ok(admin<Json>('PATCH', `/v1/tenants/${tenantB}`, { branding: null }), 200);
      assert.equal(cleared.branding, null);
    });
  });

  describe('portal sessions', () => {
    it('answer a URL with the token in its fragment, the expiry and the fixed scopes', () => {
      assert.equal(session.url, `${services.api.url}/console/portal#token=${session.token}`);
      assert.match(session.token, /^gwk_/);
      assert.deepEqual([...session.scopes].sort(), [...portalScopes].sort());
      const ttl = Date.parse(session.expiresAt) - Date.now();
      assert.ok(ttl > 3500_000 && ttl <= 3600_000, `default ttl: ${ttl} ms`);
    });

    it('are keys of the tenant: GET /v1/me shows the tenant, the scopes and the expiry', async () => {
      const me = await ok(portal<MeView>('GET', '/v1/me'), 200);
      assert.equal(me.admin, false);
      assert.equal(me.tenantId, tenantA);
      assert.deepEqual(me.scopes, [...portalScopes].sort());
      assert.equal(me.expiresAt, session.expiresAt);
      assert.equal(me.branding.name, 'A Corp');
    });

    it("read the tenant's endpoints only; another tenant's is 404, operator routes 403", async () => {
      const list = await ok(portal<Page<EndpointView>>('GET', '/v1/endpoints'), 200);
      assert.deepEqual(
        list.data.map((endpoint) => endpoint.id),
        [endpointA.id],
      );
      assert.equal((await portal('GET', `/v1/endpoints/${endpointA.id}`)).status, 200);
      assert.ok(isProblem(await portal('GET', `/v1/endpoints/${endpointB.id}`), 404));
      assert.ok(isProblem(await portal('GET', `/v1/endpoints/${endpointB.id}/stats`), 404));
      for (const [method, path] of [
        ['GET', '/v1/tenants'],
        ['POST', `/v1/tenants/${tenantA}/portal-sessions`],
        ['GET', '/v1/health/overview'],
        ['GET', '/v1/audit-log'],
        ['GET', '/v1/sources'],
      ]) {
        assert.ok(isProblem(await portal(method, path, method === 'POST' ? {} : undefined), 403), path);
      }
    });

    it('refuse a ttl outside 60..86400, an unknown body field, and an unknown tenant', async () => {
      for (const body of [{ ttlSeconds: 59 }, { ttlSeconds: 86401 }, { ttlSeconds: 'x' }, { scopes: [] }]) {
        const answer = await admin('POST', `/v1/tenants/${tenantA}/portal-sessions`, body);
        assert.ok(isProblem(answer, 400), JSON.stringify(body));
      }
      assert.ok(isProblem(await admin('POST', `/v1/tenants/no-such-${run}/portal-sessions`, {}), 404));
    });

    it('are recorded in the audit log, without the token', async () => {
      const entries = await ok(admin<Page<Json>>('GET', `/v1/audit-log?tenant=${tenantA}`), 200);
      const opened = entries.data.filter((entry) => entry.action === 'tenant.portal-session');
      assert.ok(opened.length >= 2, JSON.stringify(entries.data));
      assert.ok(!JSON.stringify(entries).includes(session.token));
    });
  });

  describe('POST /v1/endpoints/:id/test-event', () => {
    it('delivers to that endpoint only, signed, and records the event as its tenant’s', async () => {
      const sent = await ok(
        portal<TestEventView>('POST', `/v1/endpoints/${endpointA.id}/test-event`, {
          eventType: 'console.ping',
          data: { marker: `test-${run}` },
        }),
        202,
      );
      const received = await waitFor('the test event at A', 20000, () =>
        receiverA.requests.find((request) => request.headers['webhook-id'] === sent.deliveryId),
      );
      const payload = new Webhook(endpointA.secret).verify(received.body, received.headers) as Json;
      assert.equal(payload.type, 'console.ping');
      assert.deepEqual(payload.data, { marker: `test-${run}` });
      const event = await ok(portal<EventView>('GET', `/v1/events/${sent.eventId}`), 200);
      assert.equal(event.tenant, tenantA);
      const deliveries = await ok(
        admin<Page<DeliveryView>>('GET', `/v1/events/${sent.eventId}/deliveries`),
        200,
      );
      assert.deepEqual(
        deliveries.data.map((delivery) => [delivery.id, delivery.endpointId]),
        [[sent.deliveryId, endpointA.id]],
      );
      // The catch-all endpoint gets a published event of A; the test event never reached the router.
      await ok(
        admin('POST', '/v1/events', {
          type: 'console.after',
          tenant: tenantA,
          data: { marker: `after-${run}` },
        }),
        202,
      );
      await waitFor('the published event at the catch-all', 20000, () =>
        receiverAll.requests.some((request) => request.body.includes(`after-${run}`)),
      );
      for (const receiver of [receiverAll, receiverB]) {
        assert.ok(!receiver.requests.some((request) => request.body.includes(`test-${run}`)));
      }
    });

    it('defaults to gateway.test with {} and refuses bad bodies with 400', async () => {
      const sent = await ok(admin<TestEventView>('POST', `/v1/endpoints/${endpointB.id}/test-event`), 202);
      const event = await ok(admin<EventView>('GET', `/v1/events/${sent.eventId}`), 200);
      assert.equal(event.type, 'gateway.test');
      assert.deepEqual(event.data, {});
      assert.equal(event.tenant, tenantB);
      for (const body of [{ eventType: 5 }, { eventType: '' }, { data: 'x' }, { data: [] }, { other: 1 }]) {
        const answer = await admin('POST', `/v1/endpoints/${endpointB.id}/test-event`, body);
        assert.ok(isProblem(answer, 400), JSON.stringify(body));
      }
      const raw = await admin('POST', `/v1/endpoints/${endpointB.id}/test-event`, undefined, {
        raw: '{nope',
      });
      assert.ok(isProblem(raw, 400));
    });

    it("is 404 for another tenant's endpoint and a missing one", async () => {
      assert.ok(isProblem(await portal('POST', `/v1/endpoints/${endpointB.id}/test-event`, {}), 404));
      assert.ok(isProblem(await admin('POST', `/v1/endpoints/ep_missing/test-event`, {}), 404));
    });
  });

  describe('GET /v1/endpoints/:id/stats', () => {
    it('counts deliveries, the delivered and the failing, and the p95 of their attempts', async () => {
      const send = (ok: boolean) =>
        admin<TestEventView>('POST', `/v1/endpoints/${endpointStats.id}/test-event`, { data: { ok } });
      // The successes first: two failures open the endpoint's breaker (BREAKER_FAILURE_THRESHOLD=2).
      for (let i = 0; i < 3; i++) assert.equal((await send(true)).status, 202);
      await waitFor('three delivered', 20000, () => receiverStats.requests.length >= 3);
      for (let i = 0; i < 2; i++) assert.equal((await send(false)).status, 202);
      const since = new Date(Date.now() - 3600_000).toISOString();
      const path = `/v1/endpoints/${endpointStats.id}/stats?since=${encodeURIComponent(since)}&bucketSeconds=600`;
      const stats = await waitFor('the stats to count every attempt', 20000, async () => {
        const answer = await ok(admin<EndpointStatsView>('GET', path), 200);
        const total = (key: 'deliveries' | 'succeeded' | 'failed') =>
          answer.buckets.reduce((sum, bucket) => sum + bucket[key], 0);
        return total('deliveries') === 5 && total('succeeded') === 3 && total('failed') === 2 && answer;
      });
      assert.equal(stats.since, new Date(since).toISOString());
      assert.equal(stats.bucketSeconds, 600);
      assert.ok(stats.buckets.length >= 6 && stats.buckets.length <= 7, `${stats.buckets.length} buckets`);
      const filled = stats.buckets.filter((bucket) => bucket.deliveries > 0);
      for (const bucket of filled) assert.equal(typeof bucket.p95LatencyMs, 'number');
      for (const bucket of stats.buckets.filter((item) => item.deliveries === 0)) {
        assert.deepEqual(bucket, {
          start: bucket.start,
          deliveries: 0,
          succeeded: 0,
          failed: 0,
          p95LatencyMs: null,
        });
      }
    });

    it('defaults to 24 h in 900 s buckets, and refuses a bad window with 400', async () => {
      const stats = await ok(admin<EndpointStatsView>('GET', `/v1/endpoints/${endpointStats.id}/stats`), 200);
      assert.equal(stats.bucketSeconds, 900);
      assert.equal(stats.buckets.length, 96);
      const twoDaysAgo = new Date(Date.now() - 2 * 86400_000).toISOString();
      for (const query of [
        'bucketSeconds=59',
        'bucketSeconds=86401',
        'bucketSeconds=x',
        'since=yesterday',
        `since=${twoDaysAgo}&bucketSeconds=60`,
        'other=1',
      ]) {
        const answer = await admin('GET', `/v1/endpoints/${endpointStats.id}/stats?${query}`);
        assert.ok(isProblem(answer, 400), query);
      }
    });
  });

  describe('GET /v1/sources/:id/stats', () => {
    it('counts verified, duplicate and refused inbound requests, refusals by reason', async () => {
      const secret = generateSecret();
      const source = await ok(
        admin<{ id: string }>('POST', '/v1/sources', {
          name: 'stats',
          provider: 'standard-webhooks',
          secrets: [secret],
        }),
        201,
      );
      const url = `${services.ingress.url}/in/${source.id}`;
      const first = JSON.stringify({ n: 1 });
      const firstHeaders = standardWebhooksHeaders(secret, first);
      assert.equal((await post(url, firstHeaders, first)).status, 200);
      const second = JSON.stringify({ n: 2 });
      assert.equal((await post(url, standardWebhooksHeaders(secret, second), second)).status, 200);
      const again = await post(url, firstHeaders, first);
      assert.equal(again.json().status, 'duplicate');
      const forged = standardWebhooksHeaders(generateSecret(), first);
      assert.equal((await post(url, forged, first)).status, 401);
      const stats = await waitFor('the ingress counters flushed', 20000, async () => {
        const answer = await ok(
          admin<SourceStatsView>('GET', `/v1/sources/${source.id}/stats?bucketSeconds=3600`),
          200,
        );
        const filled = answer.buckets.filter((bucket) => bucket.verified + bucket.refused > 0);
        const sum = (key: 'verified' | 'duplicates' | 'refused') =>
          filled.reduce((total, bucket) => total + bucket[key], 0);
        return sum('verified') === 2 && sum('duplicates') === 1 && sum('refused') === 1 && filled;
      });
      const reasons = stats.map((bucket) => bucket.refusedByReason);
      assert.deepEqual(Object.assign({}, ...reasons), { 'bad-signature': 1 });
    });

    it('is 404 for a missing source and 403 for the portal (no sources:read)', async () => {
      assert.ok(isProblem(await admin('GET', '/v1/sources/src_missing/stats'), 404));
      assert.ok(isProblem(await portal('GET', '/v1/sources/src_missing/stats'), 403));
    });
  });

  describe('GET /v1/health/overview', () => {
    it('shows every service ready, the consumer lag per group and topic, and the open breakers', async () => {
      const overview = await waitFor('the breaker of the failing endpoint', 20000, async () => {
        const answer = await ok(admin<HealthOverviewView>('GET', '/v1/health/overview'), 200);
        return answer.breakers.some((breaker) => breaker.endpointId === endpointStats.id) && answer;
      });
      assert.deepEqual(
        overview.services.map((service) => [service.name, service.ready, service.detail]).sort(),
        ['dispatcher', 'ingress', 'router', 'scheduler'].map((name) => [name, true, null]),
      );
      const groups = new Set(overview.consumerLag.map((lag) => lag.group));
      assert.ok(groups.size >= 2, JSON.stringify(overview.consumerLag));
      for (const lag of overview.consumerLag) assert.ok(Number.isInteger(lag.lag) && lag.lag >= 0);
      const breaker = overview.breakers.find((item) => item.endpointId === endpointStats.id)!;
      assert.ok(breaker.state === 'open' || breaker.state === 'half-open', breaker.state);
      assert.ok(breaker.since !== null && Date.parse(breaker.since) <= Date.now());
      assert.ok(!overview.breakers.some((item) => item.endpointId === catchAll.id));
    });

    it('shows a stopped service not ready (never an error of the route); tenant keys get 403', async () => {
      await services.scheduler.stop();
      const overview = await waitFor('the scheduler not ready', 20000, async () => {
        const answer = await ok(admin<HealthOverviewView>('GET', '/v1/health/overview'), 200);
        return answer.services.find((service) => service.name === 'scheduler')?.ready === false && answer;
      });
      const scheduler = overview.services.find((service) => service.name === 'scheduler')!;
      assert.ok(scheduler.detail, 'the reason is shown');
      assert.ok(overview.services.find((service) => service.name === 'router')?.ready);
      const key = await tenantKey(['endpoints:read']);
      const refused = await controlClient(services.api.url, key.key)('GET', '/v1/health/overview');
      assert.ok(isProblem(refused, 403));
    });
  });

  it('ends a portal session at its expiry: 401 on every route from then on', async () => {
    const expired = controlClient(services.api.url, shortSession.token);
    assert.equal((await expired('GET', '/v1/me')).status, 200, 'it worked before its expiry');
    await waitFor(
      'the 60 s session to expire',
      70000,
      async () => (await expired('GET', '/v1/me')).status === 401,
      250,
    );
    assert.ok(isProblem(await expired('GET', '/v1/endpoints'), 401));
    assert.ok(Date.now() >= Date.parse(shortSession.expiresAt));
  });
});

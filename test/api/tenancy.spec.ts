import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { allScopes } from '@gateway/control';
import type {
  AuditEntryView,
  CreatedApiKeyView,
  CreatedEndpointView,
  DeliveryView,
  Page,
  PublishedEventView,
} from '@gateway/control';
import { generateSecret } from '@gateway/signing';
import { freshTopics, startServices } from '../support/gateway';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { controlClient, type ApiAnswer, type ApiCall } from './control-client';

const token = `admin-${randomUUID()}`;
const run = randomUUID().slice(0, 8);
/** A catalog type the operator made, for the routes that name one. */
const eventType = `matrix.type.${run}`;
const tenantA = `tenant-a-${run}`;
const tenantB = `tenant-b-${run}`;

type Json = Record<string, unknown>;

/** One tenant's resources, by the type a route's `{id}` names. */
interface Owned {
  endpoint: string;
  event: string;
  delivery: string;
  tenant: string;
  apiKey: string;
  source: string;
}

/** How tenant A's own call of a route is made, and what it answers. */
interface OwnCall {
  /** The id in the path (a fresh resource for routes that destroy it). */
  id?: () => Promise<string>;
  body?: Json;
  status: number;
}

describe('tenancy: every /v1 route against tenant keys, a narrow key, a revoked and an expired key', () => {
  const receiverA = new Receiver();
  const receiverB = new Receiver();
  const receiverAll = new Receiver();
  let services: Record<string, RunningService>;
  let admin: ApiCall;
  let asA: ApiCall;
  let asB: ApiCall;
  const keys: Record<'a' | 'b' | 'narrowA' | 'narrowAudit' | 'revoked' | 'expired', string> = {
    a: '',
    b: '',
    narrowA: '',
    narrowAudit: '',
    revoked: '',
    expired: '',
  };
  const ownedA = {} as Owned;
  const ownedB = {} as Owned;
  /** Every secret value the spec saw: none may appear in the audit log. */
  const secrets: string[] = [];
  let routes: { method: string; path: string; key: string }[] = [];
  let operatorEndpoint = '';

  const ok = async <T>(answer: Promise<ApiAnswer<T>>, status: number): Promise<T> => {
    const { status: got, body } = await answer;
    assert.equal(got, status, JSON.stringify(body));
    return body;
  };

  const issueKey = async (body: Json): Promise<CreatedApiKeyView> => {
    const key = await ok(admin<CreatedApiKeyView>('POST', '/v1/api-keys', body), 201);
    secrets.push(key.key);
    return key;
  };

  const createEndpoint = async (call: ApiCall, url: string, extra: Json = {}): Promise<string> => {
    const endpoint = await ok(call<CreatedEndpointView>('POST', '/v1/endpoints', { url, ...extra }), 201);
    secrets.push(endpoint.secret);
    return endpoint.id;
  };

  const createSource = async (call: ApiCall): Promise<string> => {
    const secret = generateSecret();
    secrets.push(secret);
    const body = { name: 'matrix', provider: 'standard-webhooks', secrets: [secret] };
    return (await ok(call<{ id: string }>('POST', '/v1/sources', body), 201)).id;
  };

  /** Publishes with `call` and waits until the router recorded the event and its delivery to `endpoint`. */
  const publish = async (call: ApiCall, endpoint: string, body: Json = {}): Promise<[string, string]> => {
    const { id } = await ok(
      call<PublishedEventView>('POST', '/v1/events', { type: 'matrix.ping', data: { run }, ...body }),
      202,
    );
    const delivery = await waitFor(`event ${id} routed`, 20000, async () => {
      const answer = await admin<Page<DeliveryView>>('GET', `/v1/events/${id}/deliveries`);
      return answer.status === 200 && answer.body.data.find((item) => item.endpointId === endpoint);
    });
    return [id, delivery.id];
  };

  before(async () => {
    await Promise.all([receiverA.start(), receiverB.start(), receiverAll.start()]);
    const { prefix } = await freshTopics(2);
    services = await startServices(['api', 'router', 'dispatcher'], {
      KAFKA_TOPIC_PREFIX: prefix,
      ADMIN_TOKEN: token,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    });
    admin = controlClient(services.api.url, token);
    await ok(admin('POST', '/v1/tenants', { id: tenantA, name: 'A', metadata: { plan: 'pro' } }), 201);
    await ok(admin('POST', '/v1/tenants', { id: tenantB, name: 'B' }), 201);
    keys.a = (await issueKey({ name: 'a', tenant: tenantA, scopes: allScopes })).key;
    keys.b = (await issueKey({ name: 'b', tenant: tenantB, scopes: allScopes })).key;
    keys.narrowA = (await issueKey({ name: 'narrow', tenant: tenantA, scopes: ['audit:read'] })).key;
    keys.narrowAudit = (await issueKey({ name: 'narrow2', tenant: tenantA, scopes: ['endpoints:read'] })).key;
    const revoked = await issueKey({ name: 'revoked', tenant: tenantA, scopes: allScopes });
    keys.revoked = revoked.key;
    keys.expired = (
      await issueKey({
        name: 'expired',
        tenant: tenantA,
        scopes: allScopes,
        expiresAt: '2020-01-01T00:00:00Z',
      })
    ).key;
    asA = controlClient(services.api.url, keys.a);
    asB = controlClient(services.api.url, keys.b);
    assert.equal((await asA('GET', '/v1/endpoints')).status, 200, 'the revoked key worked before');
    assert.equal((await controlClient(services.api.url, keys.revoked)('GET', '/v1/endpoints')).status, 200);
    await ok(admin('DELETE', `/v1/api-keys/${revoked.id}`), 204);
    // The revocation reaches the api's key cache through NOTIFY: wait for it, never sleep.
    const revokedCall = controlClient(services.api.url, keys.revoked);
    await waitFor(
      'the revoked key refused',
      5000,
      async () => (await revokedCall('GET', '/v1/endpoints')).status === 401,
    );

    ownedA.tenant = tenantA;
    ownedB.tenant = tenantB;
    // The body names B: a tenant key's endpoint is its tenant's whatever the body says.
    ownedA.endpoint = await createEndpoint(asA, receiverA.url, { tenant: tenantB });
    ownedB.endpoint = await createEndpoint(asB, receiverB.url);
    operatorEndpoint = await createEndpoint(admin, receiverAll.url);
    [ownedA.event, ownedA.delivery] = await publish(asA, ownedA.endpoint, { tenant: tenantB });
    [ownedB.event, ownedB.delivery] = await publish(asB, ownedB.endpoint);
    ownedA.apiKey = (
      await ok(asA<CreatedApiKeyView>('POST', '/v1/api-keys', { name: 'a2', scopes: ['events:read'] }), 201)
    ).id;
    ownedB.apiKey = (
      await ok(asB<CreatedApiKeyView>('POST', '/v1/api-keys', { name: 'b2', scopes: ['events:read'] }), 201)
    ).id;

    await ok(admin('POST', '/v1/event-types', { name: eventType }), 201);
    ownedA.source = await createSource(asA);
    ownedB.source = await createSource(asB);
    const document = await ok(admin<{ paths: Record<string, Json> }>('GET', '/openapi.json'), 200);
    routes = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1'))
      .flatMap(([path, item]) =>
        Object.keys(item).map((method) => ({
          method: method.toUpperCase(),
          path,
          key: `${method.toUpperCase()} ${path}`,
        })),
      );
  });

  after(async () => {
    await Promise.all(Object.values(services ?? {}).map((service) => service.stop()));
    await Promise.all([receiverA.stop(), receiverB.stop(), receiverAll.stop()]);
  });

  /** The id type a path's `{id}` names. */
  const idType = (path: string): keyof Owned | undefined => {
    if (!path.includes('{id}')) return undefined;
    if (path.startsWith('/v1/endpoints')) return 'endpoint';
    if (path.startsWith('/v1/events')) return 'event';
    if (path.startsWith('/v1/deliveries')) return 'delivery';
    if (path.startsWith('/v1/tenants')) return 'tenant';
    if (path.startsWith('/v1/api-keys')) return 'apiKey';
    if (path.startsWith('/v1/sources')) return 'source';
    return undefined;
  };
  const pathFor = (path: string, owned: Owned, id?: string): string => {
    const type = idType(path);
    return path.replace('{id}', id ?? (type ? owned[type] : 'no-such-id')).replace('{name}', eventType);
  };

  const refused = 403;
  /** Tenant A's own call of each route: the routes not open to tenant keys answer 403. */
  const own: Record<string, OwnCall> = {
    'POST /v1/endpoints': {
      // A getter: the receiver's URL is known once it started.
      get body() {
        return { url: receiverA.url };
      },
      status: 201,
    },
    'GET /v1/endpoints': { status: 200 },
    'GET /v1/endpoints/{id}': { status: 200 },
    'PATCH /v1/endpoints/{id}': { body: { description: 'changed by A' }, status: 200 },
    'DELETE /v1/endpoints/{id}': { id: () => createEndpoint(asA, receiverA.url), status: 204 },
    'GET /v1/endpoints/{id}/secret': { status: 200 },
    'POST /v1/endpoints/{id}/secret/rotate': { body: {}, status: 200 },
    'POST /v1/events': { body: { type: 'matrix.other', data: {} }, status: 202 },
    'GET /v1/events': { status: 200 },
    'GET /v1/events/{id}': { status: 200 },
    'GET /v1/events/{id}/deliveries': { status: 200 },
    'GET /v1/deliveries/{id}/attempts': { status: 200 },
    'GET /v1/endpoints/{id}/retries': { status: 200 },
    'GET /v1/dead-letters': { status: 200 },
    'POST /v1/dead-letters/redrive': { body: {}, status: 202 },
    'POST /v1/deliveries/{id}/retry': { status: 202 },
    'POST /v1/endpoints/{id}/recover': { body: { since: '2020-01-01T00:00:00Z' }, status: 202 },
    'POST /v1/events/{id}/replay': { status: 202 },
    'POST /v1/sources': {
      get body() {
        return { name: 'a-source', provider: 'standard-webhooks', secrets: [generateSecret()] };
      },
      status: 201,
    },
    'GET /v1/sources': { status: 200 },
    'GET /v1/sources/{id}': { status: 200 },
    'PATCH /v1/sources/{id}': { body: { name: 'renamed by A' }, status: 200 },
    'DELETE /v1/sources/{id}': { id: () => createSource(asA), status: 204 },
    'POST /v1/tenants': { body: { id: `c-${run}`, name: 'C' }, status: refused },
    'GET /v1/tenants': { status: 200 },
    'GET /v1/tenants/{id}': { status: 200 },
    'PATCH /v1/tenants/{id}': { body: { name: 'A renamed' }, status: 200 },
    'DELETE /v1/tenants/{id}': { status: refused },
    'POST /v1/api-keys': { body: { name: 'a3', scopes: ['endpoints:read'] }, status: 201 },
    'GET /v1/api-keys': { status: 200 },
    'DELETE /v1/api-keys/{id}': {
      id: async () =>
        (
          await ok(
            asA<CreatedApiKeyView>('POST', '/v1/api-keys', { name: 'gone', scopes: ['events:read'] }),
            201,
          )
        ).id,
      status: 204,
    },
    'GET /v1/audit-log': { status: 200 },
    // The catalog is one for every tenant: a tenant's key reads it and never changes it.
    'POST /v1/event-types': { body: { name: `matrix.a.${run}` }, status: refused },
    'GET /v1/event-types': { status: 200 },
    'GET /v1/event-types/asyncapi.json': { status: 200 },
    'GET /v1/event-types/{name}': { status: 200 },
    'PATCH /v1/event-types/{name}': { body: { description: 'changed by A' }, status: refused },
    'DELETE /v1/event-types/{name}': { status: refused },
    // The console's routes (ADR 0030).
    'GET /v1/me': { status: 200 },
    'POST /v1/tenants/{id}/portal-sessions': { body: { ttlSeconds: 600 }, status: 201 },
    'POST /v1/endpoints/{id}/test-event': { body: {}, status: 202 },
    'GET /v1/endpoints/{id}/stats': { status: 200 },
    'GET /v1/sources/{id}/stats': { status: 200 },
    // Every service, topic and endpoint of the deployment: the operator's only.
    'GET /v1/health/overview': { status: refused },
  };
  /** The routes any valid credential may call, whatever its scopes. */
  const anyCredential = new Set(['GET /v1/me']);

  it('has a tenant-A case for every /v1 route of the OpenAPI document (a new route cannot be forgotten)', () => {
    assert.ok(routes.length >= 30, `${routes.length} routes`);
    assert.deepEqual(routes.map((route) => route.key).sort(), Object.keys(own).sort());
  });

  it('answers a revoked key and an expired key 401 on every route', async () => {
    for (const name of ['revoked', 'expired'] as const) {
      const call = controlClient(services.api.url, keys[name]);
      for (const route of routes) {
        const answer = await call(route.method, pathFor(route.path, ownedA), own[route.key]?.body);
        assert.equal(answer.status, 401, `${name} ${route.key}: ${JSON.stringify(answer.body)}`);
      }
    }
  });

  it("answers a key without the route's scope 403 on every route (and 200 where none is needed)", async () => {
    for (const route of routes) {
      const key = route.key === 'GET /v1/audit-log' ? keys.narrowAudit : keys.narrowA;
      const answer = await controlClient(services.api.url, key)(
        route.method,
        pathFor(route.path, ownedA),
        own[route.key]?.body,
      );
      const status = anyCredential.has(route.key) ? 200 : 403;
      assert.equal(answer.status, status, `${route.key}: ${JSON.stringify(answer.body)}`);
    }
  });

  it("answers tenant A's own calls as expected on every route", async () => {
    for (const route of routes) {
      const call = own[route.key];
      const id = call.id ? await call.id() : undefined;
      const answer = await asA(route.method, pathFor(route.path, ownedA, id), call.body);
      assert.equal(answer.status, call.status, `${route.key}: ${JSON.stringify(answer.body)}`);
    }
  });

  it("answers tenant A on B's ids exactly as on a missing id (404), and changes nothing of B's", async () => {
    for (const route of routes.filter((item) => idType(item.path) && own[item.key].status !== refused)) {
      const onB = await asA(route.method, pathFor(route.path, ownedB), own[route.key].body);
      const missing = `missing-${run}`;
      const onMissing = await asA(route.method, pathFor(route.path, ownedB, missing), own[route.key].body);
      assert.equal(onB.status, 404, `${route.key}: ${JSON.stringify(onB.body)}`);
      const type = idType(route.path)!;
      assert.equal(
        JSON.stringify(onB.body).replaceAll(ownedB[type], 'ID'),
        JSON.stringify(onMissing.body).replaceAll(missing, 'ID'),
        route.key,
      );
    }
    const endpointB = await ok(admin<Json>('GET', `/v1/endpoints/${ownedB.endpoint}`), 200);
    assert.equal(endpointB.description, null);
    assert.equal((await asB('GET', `/v1/api-keys`)).status, 200);
    assert.equal((await ok(admin<Json>('GET', `/v1/tenants/${tenantB}`), 200)).name, 'B');
  });

  it("shows tenant A nothing of B's in any list: no entry, no count, no id", async () => {
    for (const path of [
      '/v1/endpoints',
      '/v1/events',
      '/v1/tenants',
      '/v1/api-keys',
      '/v1/audit-log',
      '/v1/dead-letters',
      '/v1/sources',
    ]) {
      for (const query of ['', `?tenant=${tenantB}`]) {
        if (query && path !== '/v1/endpoints' && path !== '/v1/events' && path !== '/v1/audit-log') continue;
        const text = JSON.stringify(await ok(asA<Json>(`GET`, `${path}${query}`), 200));
        for (const value of [
          tenantB,
          ownedB.endpoint,
          ownedB.event,
          ownedB.delivery,
          ownedB.apiKey,
          ownedB.source,
        ]) {
          assert.ok(!text.includes(value), `${path}${query} shows ${value}`);
        }
      }
    }
  });

  it("shows tenant A its own deliveries of its event, not the operator endpoint's", async () => {
    const page = await ok(asA<Page<DeliveryView>>('GET', `/v1/events/${ownedA.event}/deliveries`), 200);
    const endpoints = page.data.map((delivery) => delivery.endpointId);
    assert.ok(endpoints.includes(ownedA.endpoint), JSON.stringify(endpoints));
    assert.ok(!endpoints.includes(operatorEndpoint), "the operator endpoint's delivery is shown to A");
    const operatorDelivery = (
      await ok(admin<Page<DeliveryView>>('GET', `/v1/events/${ownedA.event}/deliveries`), 200)
    ).data.find((delivery) => delivery.endpointId === operatorEndpoint);
    assert.equal((await asA('GET', `/v1/deliveries/${operatorDelivery?.id}/attempts`)).status, 404);
  });

  it("keeps a tenant's events to its endpoints; an operator endpoint receives every tenant's", async () => {
    const event = await ok(admin<Json>('GET', `/v1/events/${ownedA.event}`), 200);
    assert.equal(event.tenant, tenantA, "published with A's key, so A's event whatever the body said");
    const endpoint = await ok(admin<Json>('GET', `/v1/endpoints/${ownedA.endpoint}`), 200);
    assert.equal(endpoint.tenant, tenantA);
    const targets = async (eventId: string) =>
      (await ok(admin<Page<DeliveryView>>('GET', `/v1/events/${eventId}/deliveries`), 200)).data.map(
        (d) => d.endpointId,
      );
    assert.ok(!(await targets(ownedA.event)).includes(ownedB.endpoint));
    assert.ok(!(await targets(ownedB.event)).includes(ownedA.endpoint));
    // `webhook-id` is the delivery id: each event's delivery to each endpoint is told apart.
    const deliveryTo = async (eventId: string, endpointId: string) =>
      (await ok(admin<Page<DeliveryView>>('GET', `/v1/events/${eventId}/deliveries`), 200)).data.find(
        (delivery) => delivery.endpointId === endpointId,
      )?.id;
    const atOperator = [
      await deliveryTo(ownedA.event, operatorEndpoint),
      await deliveryTo(ownedB.event, operatorEndpoint),
    ];
    assert.ok(atOperator.every(Boolean), 'the operator endpoint has a delivery of both events');
    const has = (receiver: Receiver, id: string | undefined) =>
      receiver.requests.some((request) => request.headers['webhook-id'] === id);
    await waitFor('both events at the operator endpoint, each at its own tenant', 20000, () =>
      [
        has(receiverAll, atOperator[0]),
        has(receiverAll, atOperator[1]),
        has(receiverA, ownedA.delivery),
        has(receiverB, ownedB.delivery),
      ].every(Boolean),
    );
    const deliveriesOf = async (eventId: string) =>
      (await ok(admin<Page<DeliveryView>>('GET', `/v1/events/${eventId}/deliveries`), 200)).data.map(
        (d) => d.id,
      );
    for (const id of await deliveriesOf(ownedB.event)) assert.ok(!has(receiverA, id), "A received B's event");
    for (const id of await deliveriesOf(ownedA.event)) assert.ok(!has(receiverB, id), "B received A's event");
  });

  it('records every change in the audit log with its actor, and no secret value', async () => {
    const entries: AuditEntryView[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<AuditEntryView> = await ok(
        admin<Page<AuditEntryView>>('GET', `/v1/audit-log?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      entries.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    const text = JSON.stringify(entries);
    for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret in the audit log');
    const actions = new Set(entries.map((entry) => entry.action));
    for (const action of [
      'tenant.create',
      'tenant.update',
      'api-key.create',
      'api-key.revoke',
      'endpoint.create',
      'endpoint.update',
      'endpoint.delete',
      'endpoint.rotate-secret',
    ]) {
      assert.ok(actions.has(action), action);
    }
    const byA = entries.filter((entry) => entry.tenant === tenantA && entry.actor !== 'admin');
    assert.ok(
      byA.some((entry) => entry.action === 'endpoint.create' && entry.resourceId === ownedA.endpoint),
    );
    const seenByA = await ok(asA<Page<AuditEntryView>>('GET', '/v1/audit-log?limit=100'), 200);
    assert.ok(seenByA.data.length > 0 && seenByA.data.every((entry) => entry.tenant === tenantA));
    const filtered = await ok(
      admin<Page<AuditEntryView>>('GET', `/v1/audit-log?resourceType=endpoint&resourceId=${ownedA.endpoint}`),
      200,
    );
    assert.ok(
      filtered.data.length >= 2 && filtered.data.every((entry) => entry.resourceId === ownedA.endpoint),
    );
  });

  it('deletes a tenant: its keys stop working, its endpoints are disabled, its history stays readable', async () => {
    await ok(admin('DELETE', `/v1/tenants/${tenantB}`), 204);
    await waitFor("B's key refused", 5000, async () => (await asB('GET', '/v1/endpoints')).status === 401);
    const endpoint = await ok(admin<Json>('GET', `/v1/endpoints/${ownedB.endpoint}`), 200);
    assert.equal(endpoint.enabled, false);
    assert.equal((await admin('GET', `/v1/events/${ownedB.event}`)).status, 200);
    assert.equal((await admin('GET', `/v1/tenants/${tenantB}`)).status, 404);
  });
});

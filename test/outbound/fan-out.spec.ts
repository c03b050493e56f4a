import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { Producer } from 'kafkajs';
import {
  closeTestDatabase,
  insertEndpoint,
  testDatabase,
  useTestDatabase,
  type EndpointFixture,
} from '../support/endpoints';
import { freshDatabase, freshTopics, rawProducer, startServices } from '../support/gateway';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';

const parsed = (body: string) => JSON.parse(body) as { type: string; data: { n?: number } };

/** Waits until the router's in-memory view holds `count` endpoints. */
async function routerSees(router: RunningService, count: number): Promise<void> {
  await waitFor(`router to load ${count} endpoints`, 10000, async () => {
    const text = await (await fetch(`${router.url}/metrics`)).text();
    return new RegExp(`^gateway_router_endpoints_loaded ${count}$`, 'm').test(text);
  });
}

describe('outbound: publish on Kafka, fan out, signed deliveries', () => {
  let services: Record<string, RunningService>;
  let producer: Producer;
  let topics: Awaited<ReturnType<typeof freshTopics>>['topics'];
  const receivers: Receiver[] = [];
  let all: EndpointFixture[] = [];
  let invoices: EndpointFixture;
  let acme: EndpointFixture;
  let bigOnly: EndpointFixture;

  before(async () => {
    const fresh = await freshTopics();
    topics = fresh.topics;
    const databaseUrl = await freshDatabase();
    await useTestDatabase(databaseUrl);
    for (let i = 0; i < 6; i++) receivers.push(await new Receiver().start());
    all = [];
    for (let i = 0; i < 3; i++) all.push(await insertEndpoint({ url: receivers[i].url }));
    invoices = await insertEndpoint({ url: receivers[3].url, eventTypes: ['invoice.*'] });
    acme = await insertEndpoint({ url: receivers[4].url, tenant: 'acme' });
    bigOnly = await insertEndpoint({ url: receivers[5].url, filter: { amount: { $gt: 1000 } } });
    services = await startServices(['router', 'dispatcher'], {
      KAFKA_TOPIC_PREFIX: fresh.prefix,
      DATABASE_URL: databaseUrl,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    });
    await routerSees(services.router, 6);
    producer = await rawProducer();
  });

  after(async () => {
    await producer?.disconnect();
    await Promise.all(Object.values(services ?? {}).map((service) => service.stop()));
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await closeTestDatabase();
  });

  it('delivers an event published with a bare Kafka client to every subscribed endpoint, verifiably signed', async () => {
    const data = { amount: 1200, currency: 'EUR', lines: [{ sku: 'a', qty: 2 }], note: 'ünïcödé' };
    await producer.send({
      topic: topics.events,
      messages: [
        {
          key: 'inv_1',
          value: JSON.stringify({
            type: 'invoice.paid',
            data,
            id: 'evt_fan_1',
            occurredAt: '2026-11-25T10:00:00.000Z',
          }),
        },
      ],
    });
    // three catch-all endpoints, invoice.*, the filter (amount > 1000); the tenant-only one does not get a tenantless event? It does not: its tenant is acme.
    await waitFor('deliveries to five endpoints', 15000, () =>
      [0, 1, 2, 3, 5].every((i) => receivers[i].requests.length === 1),
    );
    assert.equal(receivers[4].requests.length, 0, 'the tenant endpoint does not receive a tenantless event');
    const endpoints = [...all, invoices, acme, bigOnly];
    const webhookIds = new Set<string>();
    for (const i of [0, 1, 2, 3, 5]) {
      const request = receivers[i].requests[0];
      const verified = new Webhook(endpoints[i].secret).verify(request.body, request.headers) as {
        type: string;
        timestamp: string;
        data: unknown;
      };
      assert.equal(verified.type, 'invoice.paid');
      assert.equal(verified.timestamp, '2026-11-25T10:00:00.000Z');
      assert.deepEqual(verified.data, data);
      assert.equal(request.headers['content-type'], 'application/json');
      assert.match(request.headers['user-agent'] ?? '', /webhook-gateway/);
      webhookIds.add(request.headers['webhook-id']);
    }
    assert.equal(webhookIds.size, 5, 'each endpoint gets its own stable webhook-id');
  });

  it('applies type patterns, tenants and payload filters', async () => {
    const before = receivers.map((receiver) => receiver.requests.length);
    await producer.send({
      topic: topics.events,
      messages: [
        {
          value: JSON.stringify({
            type: 'user.created',
            data: { amount: 5 },
            id: 'evt_fan_2',
            tenant: 'acme',
          }),
        },
        {
          value: JSON.stringify({
            type: 'user.deleted',
            data: { amount: 5 },
            id: 'evt_fan_3',
            tenant: 'other',
          }),
        },
      ],
    });
    await waitFor('catch-all endpoints get both', 15000, () =>
      [0, 1, 2].every((i) => receivers[i].requests.length === before[i] + 2),
    );
    await waitFor(
      'the acme endpoint gets only the acme event',
      15000,
      () => receivers[4].requests.length === before[4] + 1,
    );
    assert.equal(parsed(receivers[4].requests.at(-1)!.body).type, 'user.created');
    assert.equal(receivers[3].requests.length, before[3], 'invoice.* does not match user.*');
    assert.equal(receivers[5].requests.length, before[5], 'the filter excludes amount 5');
  });

  it('delivers an event id published twice only once per endpoint', async () => {
    const before = receivers[0].requests.length;
    // One key: the marker comes after the duplicate on the same partition.
    const message = {
      key: 'dup',
      value: JSON.stringify({ type: 'order.created', data: { n: 1 }, id: 'evt_dup_1' }),
    };
    await producer.send({ topic: topics.events, messages: [message] });
    await waitFor('the first copy', 15000, () => receivers[0].requests.length === before + 1);
    await producer.send({ topic: topics.events, messages: [message] });
    const marker = {
      key: 'dup',
      value: JSON.stringify({ type: 'order.created', data: { n: 2 }, id: 'evt_dup_marker' }),
    };
    await producer.send({ topic: topics.events, messages: [marker] });
    await waitFor('the marker after the duplicate', 15000, () =>
      receivers[0].requests.some((request) => parsed(request.body).data.n === 2),
    );
    const copies = receivers[0].requests.filter(
      (request) => parsed(request.body).data.n === 1 && parsed(request.body).type === 'order.created',
    );
    assert.equal(copies.length, 1);
  });

  it('delivers an event id repeated within one batch once, and keeps routing', async () => {
    const before = receivers[0].requests.length;
    const copy = { value: JSON.stringify({ type: 'order.created', data: { n: 3 }, id: 'evt_dup_batch' }) };
    const after = {
      value: JSON.stringify({ type: 'order.created', data: { n: 4 }, id: 'evt_dup_batch_after' }),
    };
    // One produce request, one partition (same key): the router sees both copies in one batch.
    await producer.send({
      topic: topics.events,
      messages: [
        { ...copy, key: 'dup' },
        { ...copy, key: 'dup' },
        { ...after, key: 'dup' },
      ],
    });
    await waitFor('the event after the copies', 15000, () =>
      receivers[0].requests.some((request) => parsed(request.body).data.n === 4),
    );
    const copies = receivers[0].requests.slice(before).filter((request) => parsed(request.body).data.n === 3);
    assert.equal(copies.length, 1);
  });

  it('records events, deliveries and attempts in PostgreSQL', async () => {
    const db = await testDatabase();
    await waitFor('attempts recorded', 10000, async () => {
      const rows = await db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM deliveries WHERE event_id = 'evt_fan_1' AND status = 'delivered'`,
      );
      return rows[0].n === 5;
    });
    const attempts = await db.query<{ statusCode: number; attempt: number }[]>(
      `SELECT a.status_code AS "statusCode", a.attempt FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = 'evt_fan_1'`,
    );
    assert.equal(attempts.length, 5);
    assert.ok(attempts.every((row) => row.statusCode === 200 && row.attempt === 1));
    const events = await db.query<{ type: string }[]>(`SELECT type FROM events WHERE id = 'evt_fan_1'`);
    assert.equal(events[0]?.type, 'invoice.paid');
  });
});

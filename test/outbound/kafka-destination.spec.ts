import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Consumer } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import { collect, rawKafka, testInfra } from '../support/gateway';
import { metricValue } from '../support/metrics';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { waitFor } from '../support/wait-for';

const token = 'kafka-destination-admin-token-0123456789';

interface Answer {
  status: number;
  body: Record<string, unknown> & { data?: Record<string, unknown>[] };
  text: string;
}

/**
 * An endpoint whose `destination` is a Kafka topic, end to end on real Kafka: created through the
 * control API, fed through POST /v1/events, read back from the topic by a plain consumer, its
 * signature checked by the standardwebhooks package. Retries, dead letters and metrics are the
 * same as for HTTP.
 */
describe('outbound: a Kafka destination', () => {
  let stack: OutboundStack;
  const consumers: Consumer[] = [];
  const run = randomUUID().slice(0, 8);

  const api = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${stack.services.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, text };
  };

  const createTopic = async (topic: string) => {
    const admin = rawKafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  };

  const createEndpoint = async (eventType: string, destination: unknown, extra: object = {}) => {
    const created = await api('POST', '/v1/endpoints', { destination, eventTypes: [eventType], ...extra });
    assert.equal(created.status, 201, created.text);
    return created.body as { id: string; secret: string; url: string | null; destination: unknown };
  };

  const publish = async (type: string, data: unknown) => {
    const published = await api('POST', '/v1/events', { type, data });
    assert.equal(published.status, 202, published.text);
    return String(published.body.id);
  };

  /** The event's one delivery, once it has the status wanted, with its attempts. */
  const deliveryOf = async (eventId: string, status: string) => {
    const delivery = await waitFor(`delivery of ${eventId} ${status}`, 30000, async () => {
      const found = (await api('GET', `/v1/events/${eventId}/deliveries`)).body.data?.[0];
      return found?.status === status && found;
    });
    const attempts = (await api('GET', `/v1/deliveries/${String(delivery.id)}/attempts`)).body.data ?? [];
    return { delivery, attempts };
  };

  const readTopic = async (topic: string) => {
    const { consumer, messages } = await collect(topic);
    consumers.push(consumer);
    return messages;
  };

  before(async () => {
    stack = await startOutbound(['api', 'router', 'dispatcher', 'scheduler'], {
      ADMIN_TOKEN: token,
      DELIVERY_TIMEOUT_MS: '5000',
    });
  });

  after(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await stack?.stop();
  });

  it('writes a published event to the topic: value = the signed body, headers = the Standard Webhooks ones', async () => {
    const topic = `kd-${run}-orders`;
    await createTopic(topic);
    const endpoint = await createEndpoint('kd.order.*', { type: 'kafka', topic });
    assert.equal(endpoint.url, null);
    assert.deepEqual(endpoint.destination, { type: 'kafka', topic });
    const messages = await readTopic(topic);
    const delivered = await metricValue(
      stack.services.dispatcher,
      'gateway_deliveries_total',
      'outcome="delivered"',
    );

    const eventId = await publish('kd.order.created', { order: 7, total: 12.5 });
    const [message] = await waitFor('the message on the topic', 30000, () => messages.length > 0 && messages);
    const verified = new Webhook(endpoint.secret).verify(message.value, message.headers);
    assert.deepEqual((verified as { type: string; data: unknown }).data, { order: 7, total: 12.5 });
    assert.equal((verified as { type: string }).type, 'kd.order.created');
    assert.equal(message.key, eventId, 'keyed by the event id (no ordering key)');

    const { delivery, attempts } = await deliveryOf(eventId, 'delivered');
    assert.equal(message.headers['webhook-id'], delivery.id);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0].statusCode, null);
    assert.equal(attempts[0].error, null);
    assert.match(
      String(attempts[0].responseBody),
      new RegExp(`^written to ${topic}, partition \\d, offset \\d+$`),
    );
    assert.equal(
      await metricValue(stack.services.dispatcher, 'gateway_deliveries_total', 'outcome="delivered"'),
      delivered + 1,
    );
    assert.equal(messages.length, 1);
  });

  it('writes to a cluster named by its brokers (the test cluster, named explicitly), within the SSRF allow-list', async () => {
    const topic = `kd-${run}-named`;
    await createTopic(topic);
    const brokers = testInfra().kafkaBrokers.split(',');
    const endpoint = await createEndpoint('kd.named.*', { type: 'kafka', topic, brokers });
    const messages = await readTopic(topic);
    await publish('kd.named.one', { n: 1 });
    const [message] = await waitFor('the message on the topic', 30000, () => messages.length > 0 && messages);
    assert.doesNotThrow(() => new Webhook(endpoint.secret).verify(message.value, message.headers));
  });

  it('retries a failed write (the topic does not exist yet) by the endpoint’s policy, and delivers once it does', async () => {
    const topic = `kd-${run}-late`;
    await createEndpoint(
      'kd.late.*',
      { type: 'kafka', topic },
      { retryPolicy: { maxAttempts: 30, baseSeconds: 1, factor: 1, capSeconds: 1 } },
    );
    const eventId = await publish('kd.late.one', { n: 1 });
    await deliveryOf(eventId, 'retrying');
    await createTopic(topic);
    const messages = await readTopic(topic);
    const { attempts } = await deliveryOf(eventId, 'delivered');
    await waitFor('the message on the topic', 30000, () => messages.length > 0);
    assert.ok(attempts.length >= 2, `attempts: ${attempts.length}`);
    assert.notEqual(attempts[0].error, null, 'the first write failed');
    assert.equal(attempts.at(-1)?.error, null);
  });

  it('dead-letters a destination whose brokers are at a blocked address, without retrying it', async () => {
    const endpoint = await createEndpoint('kd.blocked.*', {
      type: 'kafka',
      topic: 'orders',
      brokers: ['10.0.0.7:9092'],
    });
    const eventId = await publish('kd.blocked.one', { n: 1 });
    const { attempts } = await deliveryOf(eventId, 'dead');
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0].error, '10.0.0.7 is a blocked address');
    const letters = await waitFor('the dead letter', 30000, async () => {
      const page = (await api('GET', `/v1/dead-letters?endpointId=${endpoint.id}`)).body.data ?? [];
      return page.length > 0 && page;
    });
    assert.equal(letters.length, 1);
  });

  it('refuses hostile destinations and the gateway’s own topics (400), and never answers the SASL password', async () => {
    for (const destination of [
      { type: 'kafka', topic: `${stack.prefix}events` },
      { type: 'kafka', topic: 'a/b' },
      { type: 'kafka', topic: 'ok', brokers: ['not a broker'] },
      { type: 'kafka', topic: 'ok', sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } },
    ]) {
      const refused = await api('POST', '/v1/endpoints', { destination });
      assert.equal(refused.status, 400, JSON.stringify(destination));
    }
    const password = `pw-${randomUUID()}`;
    const endpoint = await createEndpoint('kd.secret.*', {
      type: 'kafka',
      topic: 'orders',
      brokers: ['kafka.example.com:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'gateway', password },
    });
    const read = await api('GET', `/v1/endpoints/${endpoint.id}`);
    const listed = await api('GET', '/v1/endpoints');
    for (const text of [JSON.stringify(endpoint), read.text, listed.text])
      assert.ok(!text.includes(password));
    assert.deepEqual((read.body.destination as { sasl: unknown }).sasl, {
      mechanism: 'scram-sha-512',
      username: 'gateway',
    });
    // Back to HTTP: the URL replaces the destination.
    const patched = await api('PATCH', `/v1/endpoints/${endpoint.id}`, {
      url: 'https://receiver.example/hook',
    });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual([patched.body.url, patched.body.destination], ['https://receiver.example/hook', null]);
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  closeTestDatabase,
  insertEndpoint,
  useTestDatabase,
  type EndpointFixture,
} from '../support/endpoints';
import { freshDatabase, freshTopics, startServices } from '../support/gateway';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { ingressSees, insertSource, metricValue, post, uniqueId } from '../support/ingress';

const secret = 'forwarding-github-secret';

function github(event: string, payload: object) {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'x-github-delivery': uniqueId('delivery'),
      'x-github-event': event,
    },
  };
}

/**
 * A source with `forward`: a verified GitHub push goes ingress -> webhooks.inbound -> router ->
 * webhooks.events -> router -> dispatcher -> a subscribed endpoint, signed like any delivery.
 */
describe('ingress: forwarding verified webhooks to endpoints', () => {
  let services: Record<string, RunningService>;
  let sourceId: string;
  let plainSourceId: string;
  let pushes: Receiver;
  let everything: Receiver;
  let pushEndpoint: EndpointFixture;

  before(async () => {
    const { prefix } = await freshTopics(2);
    const databaseUrl = await freshDatabase();
    const db = await useTestDatabase(databaseUrl);
    pushes = await new Receiver().start();
    everything = await new Receiver().start();
    pushEndpoint = await insertEndpoint({ url: pushes.url, eventTypes: ['push'] });
    await insertEndpoint({ url: everything.url, eventTypes: ['*'] });
    sourceId = await insertSource(db, {
      provider: 'github',
      secrets: [secret],
      forward: { eventTypeFrom: 'header:x-github-event' },
    });
    plainSourceId = await insertSource(db, { provider: 'github', secrets: [secret] });
    services = await startServices(['ingress', 'router', 'dispatcher'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
    });
    await ingressSees(services.ingress, 2);
  });

  after(async () => {
    await Promise.all(Object.values(services ?? {}).map((service) => service.stop()));
    await Promise.all([pushes?.stop(), everything?.stop()]);
    await closeTestDatabase();
  });

  it('delivers a verified GitHub push to the endpoint subscribed to "push", with the payload as data', async () => {
    const payload = {
      ref: 'refs/heads/main',
      after: uniqueId('sha'),
      commits: [{ id: 'c1', message: 'fix: ünïcode' }],
    };
    const push = github('push', payload);
    const answer = await post(`${services.ingress.url}/in/${sourceId}`, push.headers, push.body);
    assert.equal(answer.status, 200, answer.text);
    const inboundId = answer.json<{ id: string }>().id;

    const ping = github('ping', { zen: 'Keep it logically awesome.' });
    assert.equal((await post(`${services.ingress.url}/in/${sourceId}`, ping.headers, ping.body)).status, 200);

    await waitFor(
      'the push delivered',
      20000,
      () => pushes.requests.length >= 1 && everything.requests.length >= 2,
    );
    const delivered = pushes.requests[0];
    const verified = new Webhook(pushEndpoint.secret).verify(delivered.body, delivered.headers) as {
      type: string;
      data: unknown;
    };
    assert.equal(verified.type, 'push');
    assert.deepEqual(verified.data, payload);
    assert.deepEqual(
      everything.requests.map((request) => (JSON.parse(request.body) as { type: string }).type).sort(),
      ['ping', 'push'],
      'the catch-all endpoint gets both',
    );
    // The endpoint that only wants pushes never sees the ping.
    await waitFor(
      'no more deliveries in flight',
      2000,
      async () =>
        (await metricValue(services.router, 'gateway_inbound_forwarded_total', 'outcome="forwarded"')) === 2,
    );
    assert.equal(pushes.requests.length, 1);
    assert.ok(inboundId.startsWith('in_'));
  });

  it('does not forward webhooks of sources without forward', async () => {
    const before = everything.requests.length;
    const push = github('push', { after: uniqueId('sha') });
    assert.equal(
      (await post(`${services.ingress.url}/in/${plainSourceId}`, push.headers, push.body)).status,
      200,
    );
    const router = services.router;
    await waitFor(
      'the router to read it from webhooks.inbound and decide',
      20000,
      async () =>
        (await metricValue(router, 'gateway_inbound_forwarded_total', 'outcome="not-forwarding"')) >= 1,
    );
    assert.equal(await metricValue(router, 'gateway_inbound_forwarded_total', 'outcome="forwarded"'), 2);
    assert.equal(everything.requests.length, before);
  });

  /**
   * Issue 19, defect 2 through forwarding: a verified body nested 5,000 levels deep stalled the
   * router's webhooks.inbound consumer (stack overflow, crash loop). Over the depth budget of event
   * data, the body travels as its bytes instead, and the webhooks behind it are forwarded.
   */
  it('forwards a verified body nested deeper than event data may be as its bytes, and the next webhook too', async () => {
    const before = pushes.requests.length;
    const depth = 5000;
    const deepBody = `{"after":"${uniqueId('sha')}","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const deep = github('push', {});
    deep.body = deepBody;
    deep.headers['x-hub-signature-256'] =
      `sha256=${createHmac('sha256', secret).update(deepBody).digest('hex')}`;
    assert.equal((await post(`${services.ingress.url}/in/${sourceId}`, deep.headers, deep.body)).status, 200);
    const next = github('push', { after: uniqueId('sha') });
    assert.equal((await post(`${services.ingress.url}/in/${sourceId}`, next.headers, next.body)).status, 200);
    await waitFor('both pushes delivered', 20000, () => pushes.requests.length >= before + 2);
    const data = pushes.requests
      .slice(before)
      .map((request) => (JSON.parse(request.body) as { data: Record<string, unknown> }).data);
    assert.deepEqual(data[0], { bodyBase64: Buffer.from(deepBody).toString('base64') });
    assert.deepEqual(data[1], JSON.parse(next.body));
  });
});

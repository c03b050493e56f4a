import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SourceView } from '@gateway/control';
import type { InboundMessage } from '@gateway/schemas';
import { controlClient, type ApiCall } from '../api/control-client';
import { collect, freshDatabase, freshTopics, startServices } from '../support/gateway';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { ingressSees, post, uniqueId, unixNow } from '../support/ingress';
import { providerCases, type ProviderCase, type SignedRequest } from './provider-signers';

const token = `admin-${randomUUID()}`;
// What the providers call; the test reaches the ingress on loopback, as a proxy would.
const publicBaseUrl = 'https://hooks.example.test/gateway';

/**
 * Every provider against the real api and ingress processes and real Kafka: sources created
 * through the control API; one valid webhook per provider published once to webhooks.inbound
 * (source, provider, event id and type, raw body); tampered, wrong-secret, stale and unsigned
 * ones refused with a 401 that names the reason.
 */
describe('ingress: every provider, end to end', () => {
  let services: Record<string, RunningService>;
  let call: ApiCall;
  let inbound: Awaited<ReturnType<typeof collect>>;
  const cases = providerCases();
  const sources = new Map<string, SourceView>();
  const firstEvent = new Map<string, string>();

  before(async () => {
    const { prefix, topics } = await freshTopics(2);
    const databaseUrl = await freshDatabase();
    services = await startServices(['api', 'ingress'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: token,
      PUBLIC_BASE_URL: publicBaseUrl,
    });
    call = controlClient(services.api.url, token);
    for (const item of cases) {
      const answer = await call<SourceView>('POST', '/v1/sources', {
        name: `${item.provider} test`,
        provider: item.provider,
        secrets: item.secrets,
        ...(item.options ? { options: item.options } : {}),
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      sources.set(item.provider, answer.body);
    }
    await ingressSees(services.ingress, cases.length);
    inbound = await collect(topics.inbound);
  });

  after(async () => {
    await inbound?.consumer.disconnect();
    await Promise.all(Object.values(services ?? {}).map((service) => service.stop()));
  });

  const send = (item: ProviderCase, request: SignedRequest) => {
    const source = sources.get(item.provider)!;
    return post(
      `${services.ingress.url}${new URL(source.ingressUrl).pathname.replace('/gateway', '')}`,
      request.headers,
      request.body,
    );
  };
  const signed = (item: ProviderCase, eventId: string, at = unixNow(), wrongKey = false) => {
    const source = sources.get(item.provider)!;
    return item.sign({ body: item.body(eventId), at, url: source.ingressUrl }, wrongKey);
  };
  const refused = async (item: ProviderCase, request: SignedRequest, reason: string, what: string) => {
    const answer = await send(item, request);
    assert.equal(answer.status, 401, `${item.provider} ${what}: ${answer.status} ${answer.text}`);
    assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/);
    const problem = answer.json<{ reason: string; detail: string }>();
    assert.equal(problem.reason, reason, `${item.provider} ${what}: ${problem.detail}`);
    for (const secret of item.secrets) assert.ok(!answer.text.includes(secret), 'never echoes a secret');
  };
  const published = (eventId: string) =>
    inbound.messages
      .map((message) => ({ key: message.key, value: JSON.parse(message.value) as InboundMessage }))
      .filter(({ value }) => eventOf(value) === eventId);
  // Every case puts its event id in the body, so it identifies the message whatever the provider.
  const eventOf = (value: InboundMessage) => {
    const body = Buffer.from(value.bodyBase64, 'base64').toString('utf8');
    return [...firstEvent.values()].find((id) => body.includes(id)) ?? null;
  };

  for (const each of providerCases()) {
    it(`${each.provider}: accepts a valid webhook (and its duplicate), refuses tampered, wrong-secret, stale and unsigned ones`, async () => {
      const item = cases.find((candidate) => candidate.provider === each.provider)!;
      const eventId = uniqueId('evt');
      firstEvent.set(item.provider, eventId);
      const valid = signed(item, eventId);
      const answer = await send(item, valid);
      assert.ok(
        answer.status === 200 || answer.status === 204,
        `${item.provider}: ${answer.status} ${answer.text}`,
      );
      const again = await send(item, valid);
      assert.equal(again.status, answer.status, 'a duplicate is answered 2xx too');

      await refused(item, item.tamper(valid), 'bad-signature', 'tampered body');
      await refused(item, signed(item, eventId, unixNow(), true), 'bad-signature', 'wrong secret');
      await refused(item, item.removeSignature(valid), 'missing-header', 'missing signature');
      if (item.signsTimestamp)
        await refused(item, signed(item, eventId, unixNow() - 400), 'stale-timestamp', 'stale timestamp');
    });
  }

  it('published each valid webhook once to webhooks.inbound, with source, provider, event id and type, raw body', async () => {
    // A second event per source, sent after everything else: once it is out, every earlier copy
    // of that source (same partition) has been through dedup.
    const sentinels = new Map<string, string>();
    for (const item of cases) {
      const eventId = uniqueId('sentinel');
      sentinels.set(item.provider, eventId);
      const answer = await send(item, signed(item, eventId));
      assert.ok(answer.status < 300, answer.text);
    }
    const sentinelIds = [...sentinels.values()];
    const bodies = () =>
      inbound.messages.map((message) =>
        Buffer.from((JSON.parse(message.value) as InboundMessage).bodyBase64, 'base64').toString('utf8'),
      );
    await waitFor('every sentinel on webhooks.inbound', 20000, () => {
      const seen = bodies();
      return sentinelIds.every((id) => seen.some((body) => body.includes(id)));
    });
    for (const item of cases) {
      const eventId = firstEvent.get(item.provider)!;
      const copies = published(eventId);
      assert.equal(copies.length, 1, `${item.provider}: published once`);
      const { key, value } = copies[0];
      const source = sources.get(item.provider)!;
      assert.equal(key, source.id, 'keyed by source id');
      assert.equal(value.sourceId, source.id);
      assert.equal(value.provider, item.provider);
      assert.deepEqual(
        { providerEventId: value.providerEventId, providerEventType: value.providerEventType },
        item.expected(eventId),
      );
      assert.match(value.id, /^in_/);
      assert.ok(!Number.isNaN(Date.parse(value.receivedAt)));
      const sent = signed(item, eventId);
      // The raw body is kept byte for byte (signers that stamp the time into the body differ only there).
      if (!['linear', 'mailgun'].includes(item.provider))
        assert.equal(Buffer.from(value.bodyBase64, 'base64').toString('utf8'), sent.body);
      assert.equal(value.contentType, sent.headers['content-type'] ?? null);
    }
  });

  it('answers Slack url_verification and Zoom endpoint.url_validation, and publishes neither', async () => {
    const slack = cases.find((item) => item.provider === 'slack')!;
    const challenge = uniqueId('challenge');
    const slackBody = JSON.stringify({ token: 'x', challenge, type: 'url_verification' });
    const at = unixNow();
    const slackRequest = slack.sign({ body: slackBody, at, url: '' });
    const slackAnswer = await send(slack, slackRequest);
    assert.equal(slackAnswer.status, 200);
    assert.equal(slackAnswer.text, challenge);

    const zoom = cases.find((item) => item.provider === 'zoom')!;
    const plainToken = uniqueId('plain');
    const zoomBody = JSON.stringify({
      event: 'endpoint.url_validation',
      payload: { plainToken },
      event_ts: at * 1000,
    });
    const zoomAnswer = await send(zoom, zoom.sign({ body: zoomBody, at, url: '' }));
    assert.equal(zoomAnswer.status, 200, zoomAnswer.text);
    const reply = zoomAnswer.json<{ plainToken: string; encryptedToken: string }>();
    assert.equal(reply.plainToken, plainToken);
    assert.match(reply.encryptedToken, /^[0-9a-f]{64}$/);
    const bodies = inbound.messages.map((message) =>
      Buffer.from((JSON.parse(message.value) as InboundMessage).bodyBase64, 'base64').toString('utf8'),
    );
    assert.ok(!bodies.some((body) => body.includes(challenge) || body.includes(plainToken)));
  });
});

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultTopicSpecs, ensureTopics } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { topicNames, type InboundMessage } from '@gateway/schemas';
import { generateSecret, signPayload } from '@gateway/signing';
import { closeTestDatabase, useTestDatabase } from '../support/endpoints';
import { collect, freshDatabase, logDir, rawKafka } from '../support/gateway';
import { startService, type RunningService } from '../support/services';
import { freePort, repoRoot, startInfra, type Infra } from '../support/stack';
import { waitFor } from '../support/wait-for';
import { ingressSees, insertSource, post, uniqueId, unixNow } from '../support/ingress';

const secret = generateSecret();
const ACK_TIMEOUT_MS = 2000;

/**
 * Stops the ingress's Kafka (a broker of this test's own) under a steady trickle of webhooks:
 * requests are answered 503 with Retry-After within the ack timeout, never 2xx; once Kafka is back
 * the next request is accepted, and every webhook that got a 2xx is on webhooks.inbound.
 */
describe('ingress: Kafka outage', () => {
  let infra: Infra;
  let ingress: RunningService;
  let sourceId: string;
  let inboundTopic: string;

  before(async () => {
    infra = await startInfra({
      dir: path.join(repoRoot, 'tmp', 'ingress-outage-stack'),
      fresh: true,
      fast: true,
      only: { kafka: true, postgres: false },
    });
    const prefix = 'outage.';
    const topics = topicNames(prefix);
    inboundTopic = topics.inbound;
    const settings = {
      brokers: [infra.kafkaBrokers],
      clientId: 'test',
      logger: createLogger('test', 'error'),
    };
    await ensureTopics(settings, defaultTopicSpecs(topics, 2));
    const databaseUrl = await freshDatabase();
    const db = await useTestDatabase(databaseUrl);
    sourceId = await insertSource(db, { provider: 'standard-webhooks', secrets: [secret] });
    ingress = await startService(
      'ingress',
      await freePort(),
      {
        KAFKA_BROKERS: infra.kafkaBrokers,
        DATABASE_URL: databaseUrl,
        KAFKA_TOPIC_PREFIX: prefix,
        INGRESS_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
      },
      logDir,
      90000,
    );
    await ingressSees(ingress, 1);
  });

  after(async () => {
    await ingress?.stop();
    await infra?.stop();
    await closeTestDatabase();
  });

  const send = async (id: string) => {
    const body = JSON.stringify({ type: 'order.created', data: { id } });
    const timestamp = unixNow();
    const started = Date.now();
    const answer = await post(
      `${ingress.url}/in/${sourceId}`,
      {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signPayload({ id, timestamp, payload: body, secrets: [secret] }),
      },
      body,
    );
    return { id, answer, ms: Date.now() - started };
  };

  it('answers 503 quickly while Kafka is down, accepts again once it is back, and loses nothing it acknowledged', async () => {
    const results: Awaited<ReturnType<typeof send>>[] = [];
    results.push(await send(uniqueId('before')));
    assert.equal(results[0].answer.status, 200);

    // A trickle of webhooks through the whole outage (bounded in count and time).
    let trickling = true;
    const trickle = (async () => {
      const deadline = Date.now() + 120000;
      for (let i = 0; trickling && i < 2000 && Date.now() < deadline; i++) {
        results.push(await send(uniqueId('trickle')));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await infra.stopKafka();
    const refused = await waitFor('a 503 with Kafka stopped', 20000, () =>
      results.find((result) => result.answer.status === 503),
    );
    assert.match(refused.answer.headers['retry-after'] ?? '', /^\d+$/);
    assert.match(refused.answer.headers['content-type'] ?? '', /^application\/problem\+json/);
    const during = await send(uniqueId('during'));
    assert.equal(during.answer.status, 503, during.answer.text);
    assert.ok(during.ms < ACK_TIMEOUT_MS + 3000, `answered in ${during.ms} ms, bounded by the ack timeout`);

    await infra.startKafka();
    await waitFor(
      'ingress ready again',
      60000,
      async () => (await fetch(`${ingress.url}/health/ready`)).status === 200,
      250,
    );
    trickling = false;
    await trickle;
    const next = await send(uniqueId('after'));
    assert.equal(next.answer.status, 200, `the first request after Kafka is back: ${next.answer.text}`);
    results.push(next);

    const statuses = new Set(results.map((result) => result.answer.status));
    assert.ok(
      [...statuses].every((status) => status === 200 || status === 503),
      `only 200 or 503: ${[...statuses].join(', ')}`,
    );
    const acknowledged = results.filter((result) => result.answer.status === 200).map((result) => result.id);
    const inbound = await collect(inboundTopic, rawKafka(infra.kafkaBrokers));
    try {
      await waitFor(
        `all ${acknowledged.length} acknowledged webhooks on webhooks.inbound`,
        60000,
        () => {
          const seen = new Set(
            inbound.messages.map((message) => (JSON.parse(message.value) as InboundMessage).providerEventId),
          );
          return acknowledged.every((id) => seen.has(id));
        },
        200,
      );
    } finally {
      await inbound.consumer.disconnect();
    }
  });
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createIngressHandler, InboundAcceptor, parsePublicBase, SourceRegistry } from '@gateway/ingress';
import { inboundJournalMessage, topicNames } from '@gateway/schemas';
import { BatchingProducer, createKafka, ensureTopics } from '@gateway/kafka';
import { createLogger } from '@gateway/observability';
import { providerKeySchema, readProviderVectors } from '@gateway/signing';
import { collect, testInfra } from '../support/gateway';
import { repoRoot } from '../support/stack';
import { waitFor } from '../support/wait-for';
import { post } from '../support/ingress';

const vectors = readProviderVectors(path.join(repoRoot, 'test', 'fixtures', 'provider-vectors.json'));

/**
 * Every provider vector through the real route (`createIngressHandler`, as the ingress app serves
 * it) over HTTP, with a real producer on real Kafka. In process, because each vector is judged at
 * its own fixed time: the route's clock is set per vector. Twilio and Square sign their own URLs,
 * so those requests arrive as from a trusted proxy (X-Forwarded-Proto/-Host/-Uri).
 */
describe('provider vectors through POST /in/:sourceId', () => {
  let server: Server;
  let producer: BatchingProducer;
  let baseUrl: string;
  let journal: Awaited<ReturnType<typeof collect>>;
  let nowMs = 0;
  const sources = new SourceRegistry();
  const prefix = `tv${Date.now().toString(36)}.`;

  before(async () => {
    const logger = createLogger('test', 'error');
    const settings = {
      brokers: testInfra().kafkaBrokers.split(','),
      clientId: 'test-vectors',
      logger,
    };
    await ensureTopics(settings, [{ topic: topicNames(prefix).inboundJournal, numPartitions: 2 }]);
    const kafka = createKafka(settings);
    producer = new BatchingProducer(kafka, topicNames(prefix), { lingerMs: 1 });
    await producer.connect();
    const acceptor = new InboundAcceptor(
      {
        write: (message) => producer.produce(inboundJournalMessage, [{ value: message }], { linger: true }),
        now: () => nowMs,
        onMisconfigured: () => assert.fail('every vector source is usable'),
      },
      { ackTimeoutMs: 5000, retryAfterSeconds: 1, dedupCacheSize: 1000 },
    );
    vectors.forEach((vector, index) => {
      sources.put({
        id: `src_v${index}`,
        provider: providerKeySchema.parse(vector.provider),
        settings: {
          secrets: [vector.secret ?? vector.public_key ?? ''],
          toleranceSeconds: vector.tolerance_seconds ?? 300,
        },
        maxBodyBytes: 64 * 1024,
        dedupWindowSeconds: 86400,
        rateLimit: null,
        unreadable: null,
      });
    });
    const handler = createIngressHandler({
      sources,
      acceptor,
      publicBase: parsePublicBase('https://hooks.example.test'),
      trustForwardedHeaders: true,
      admitted: () => 100,
      retryAfterSeconds: 1,
      now: () => nowMs,
      logger,
    });
    server = createServer((request, response) => {
      if (!handler(request, response)) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    journal = await collect(topicNames(prefix).inboundJournal);
  });

  after(async () => {
    await journal?.consumer.disconnect();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await producer?.disconnect();
  });

  vectors.forEach((vector, index) => {
    it(`${vector.id} is ${vector.expect}`, async () => {
      const headers = Object.fromEntries(
        Object.entries(vector.headers).map(([name, value]) => [name.toLowerCase(), value]),
      );
      if (vector.url) {
        const signed = new URL(vector.url);
        headers['x-forwarded-proto'] = signed.protocol.slice(0, -1);
        headers['x-forwarded-host'] = signed.host;
        headers['x-forwarded-uri'] = vector.url.slice(vector.url.indexOf('/', signed.protocol.length + 2));
      }
      nowMs = vector.timestamp_now * 1000;
      const answer = await post(`${baseUrl}/in/src_v${index}`, headers, vector.body);
      if (vector.expect === 'valid') {
        if (vector.expected_response) {
          assert.equal(answer.status, vector.expected_response.status, answer.text);
          assert.deepEqual(answer.json(), vector.expected_response.json);
        } else {
          assert.ok(answer.status === 200 || answer.status === 204, `${answer.status} ${answer.text}`);
        }
        return;
      }
      assert.equal(answer.status, 401, answer.text);
      assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/);
      const problem = answer.json<{ status: number; reason: string; detail: string }>();
      assert.equal(problem.status, 401);
      assert.ok(problem.reason, 'a 401 names its reason');
      const secret = vector.secret ?? vector.public_key ?? '';
      assert.ok(!answer.text.includes(secret), 'the answer never echoes the secret');
    });
  });

  it('made every accepted vector durable in the journal, and nothing else', async () => {
    const accepted = vectors
      .map((vector, index) => ({ vector, sourceId: `src_v${index}` }))
      .filter(({ vector }) => vector.expect === 'valid' && !vector.expected_response);
    await waitFor('accepted vectors in the journal', 10000, () => journal.messages.length >= accepted.length);
    const journaled = journal.messages.map(
      (message) => JSON.parse(message.value) as { sourceId: string; bodyBase64: string },
    );
    assert.deepEqual(
      journaled.map((message) => message.sourceId).sort(),
      accepted.map(({ sourceId }) => sourceId).sort(),
    );
    for (const { vector, sourceId } of accepted) {
      const message = journaled.find((item) => item.sourceId === sourceId)!;
      assert.equal(
        Buffer.from(message.bodyBase64, 'base64').toString('utf8'),
        vector.body,
        `${vector.id}: raw body kept byte for byte`,
      );
    }
  });
});

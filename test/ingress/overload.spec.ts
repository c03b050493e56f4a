import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { generateSecret, signPayload } from '@gateway/signing';
import { closeTestDatabase, useTestDatabase } from '../support/endpoints';
import { collect, freshDatabase, freshTopics, startServices } from '../support/gateway';
import {
  ingressSees,
  insertSource,
  metricValue,
  post,
  standardWebhooksHeaders,
  unixNow,
} from '../support/ingress';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';

const secret = generateSecret();
const LIMIT = 8;
const CONNECTIONS = 200;
const PER_CONNECTION = 25;

interface Answer {
  status: number;
  head: string;
  body: string;
}

/** A signed 1 KB Standard Webhooks request as raw bytes, with the id it carries. */
function requestBytes(port: number, path: string, n: number): Buffer {
  const id = `msg_flood_${n}`;
  const timestamp = unixNow();
  const body = JSON.stringify({ type: 'flood.test', data: { n, pad: 'x'.repeat(960) } });
  const signature = signPayload({ id, timestamp, payload: body, secrets: [secret] });
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
      `webhook-id: ${id}\r\nwebhook-timestamp: ${timestamp}\r\nwebhook-signature: ${signature}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * One kept-alive connection sending `count` requests one after the other as fast as it is answered
 * (a provider's sender): resolves with every answer, or rejects if the connection breaks first.
 */
function sendOnOneConnection(port: number, requests: Buffer[]): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const answers: Answer[] = [];
    const socket: Socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const next = () => {
      if (answers.length === requests.length) {
        socket.end();
        resolve(answers);
      } else socket.write(requests[answers.length]);
    };
    socket.setNoDelay(true);
    socket.on('connect', next);
    socket.on('error', reject);
    socket.on('close', () => {
      if (answers.length < requests.length)
        reject(new Error(`connection closed after ${answers.length} of ${requests.length} answers`));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        buffer = buffer.subarray(end + 4 + length);
        answers.push({ status: Number(head.slice(9, 12)), head, body });
        next();
      }
    });
  });
}

/**
 * Issue 23: an ingress flooded far beyond its admission limit sheds the excess with 503 and
 * Retry-After (never another 5xx, never a broken connection), every webhook it answered 2xx is in
 * Kafka, and once the flood is over it serves as before. Only conditions are checked, no timings.
 */
describe('ingress: a flood far beyond the admission limit', () => {
  let ingress: RunningService;
  let sourceId: string;
  let inboundTopic: string;

  before(async () => {
    const { prefix, topics } = await freshTopics(2);
    inboundTopic = topics.inbound;
    const databaseUrl = await freshDatabase();
    const db = await useTestDatabase(databaseUrl);
    sourceId = await insertSource(db, { provider: 'standard-webhooks', secrets: [secret] });
    ({ ingress } = (await startServices(['ingress'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      INGRESS_MAX_IN_FLIGHT: String(LIMIT),
      INGRESS_RETRY_AFTER_SECONDS: '3',
      LOG_LEVEL: 'warn',
    })) as { ingress: RunningService });
    await ingressSees(ingress, 1);
  });

  after(async () => {
    await ingress?.stop();
    await closeTestDatabase();
  });

  it('answers 2xx or 503 with Retry-After, loses no 2xx, and serves normally afterwards', async () => {
    const path = `/in/${sourceId}`;
    const perConnection = Array.from({ length: CONNECTIONS }, (_, c) =>
      Array.from({ length: PER_CONNECTION }, (_, i) =>
        requestBytes(ingress.port, path, c * PER_CONNECTION + i),
      ),
    );
    const answers = (
      await Promise.all(perConnection.map((requests) => sendOnOneConnection(ingress.port, requests)))
    ).flat();
    assert.equal(answers.length, CONNECTIONS * PER_CONNECTION, 'every request answered');

    const acceptedIds: string[] = [];
    let refused = 0;
    for (const answer of answers) {
      if (answer.status === 200) {
        acceptedIds.push((JSON.parse(answer.body) as { id: string }).id);
        continue;
      }
      assert.ok(
        answer.status === 503 || answer.status === 429,
        `a refusal, not ${answer.status}: ${answer.body}`,
      );
      assert.match(answer.head, /\r\nretry-after: 3\r\n/i, 'a refusal says when to retry');
      assert.match(answer.head, /\r\ncontent-type: application\/problem\+json/i);
      const problem = JSON.parse(answer.body) as { type: string; status: number };
      assert.equal(problem.status, answer.status);
      assert.match(problem.type, /^urn:gateway:problem:(overloaded|kafka_unavailable|rate_limited)$/);
      refused++;
    }
    assert.ok(refused > 0, `the flood went beyond the limit of ${LIMIT} (${refused} refused)`);
    assert.ok(acceptedIds.length > 0, 'the ingress kept accepting during the flood');
    assert.equal(
      await metricValue(ingress, 'gateway_ingress_requests_total', 'outcome="overloaded"'),
      answers.filter((answer) => answer.body.includes('problem:overloaded')).length,
      'every overload refusal is counted',
    );

    // Every webhook answered 2xx is on webhooks.inbound (through the journal and the dedup consumer).
    const { consumer, messages } = await collect(inboundTopic);
    try {
      const missing = new Set(acceptedIds);
      await waitFor(`${acceptedIds.length} accepted webhooks on ${inboundTopic}`, 60000, () => {
        for (const message of messages.splice(0))
          missing.delete((JSON.parse(message.value) as { id: string }).id);
        return missing.size === 0;
      });
    } finally {
      await consumer.disconnect();
    }

    // Once the flood is over: nothing left in flight, and requests are served as before.
    await waitFor(
      'the flood to drain',
      30000,
      async () => (await metricValue(ingress, 'gateway_ingress_in_flight_requests')) === 0,
    );
    for (let i = 0; i < 20; i++) {
      const body = JSON.stringify({ type: 'after.flood', data: { i } });
      const answer = await post(`${ingress.url}${path}`, standardWebhooksHeaders(secret, body), body);
      assert.equal(answer.status, 200, answer.text);
    }
    assert.equal(
      (await post(`${ingress.url}/in/src_nope`, { 'content-type': 'application/json' }, '{}')).status,
      404,
    );
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from '@gateway/persistence';
import { closeTestDatabase, useTestDatabase } from '../support/endpoints';
import { freshDatabase, freshTopics, startServices } from '../support/gateway';
import type { RunningService } from '../support/services';
import { ingressSees, insertSource, metricValue, post, postOversized, uniqueId } from '../support/ingress';
import { waitFor } from '../support/wait-for';

const secret = 'limits-secret-0123456789';
const publicBaseUrl = 'https://hooks.example.test';

function github(body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-github-delivery': uniqueId('d'),
    'x-github-event': 'push',
  };
}

/** Answers, statuses and problem bodies for what is refused before or while the body is read. */
describe('ingress: 404, 413, 415, 429, 503 overload, forwarded headers', () => {
  let ingress: RunningService;
  let small: string;
  let limited: string;
  let twilio: string;
  let mailgun: string;
  let db: DataSource;

  before(async () => {
    const { prefix } = await freshTopics(1);
    const databaseUrl = await freshDatabase();
    db = await useTestDatabase(databaseUrl);
    small = await insertSource(db, { provider: 'github', secrets: [secret], maxBodyBytes: 2048 });
    limited = await insertSource(db, {
      provider: 'github',
      secrets: [secret],
      rateLimit: { perSecond: 0.05, burst: 2 },
    });
    twilio = await insertSource(db, { provider: 'twilio', secrets: [secret] });
    mailgun = await insertSource(db, { provider: 'mailgun', secrets: [secret] });
    ({ ingress } = (await startServices(['ingress'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: publicBaseUrl,
      INGRESS_MAX_IN_FLIGHT: '3',
      INGRESS_RETRY_AFTER_SECONDS: '7',
    })) as { ingress: RunningService });
    await ingressSees(ingress, 4);
  });

  after(async () => {
    await ingress?.stop();
    await closeTestDatabase();
  });

  const problem = (answer: Awaited<ReturnType<typeof post>>, status: number) => {
    assert.equal(answer.status, status, answer.text);
    assert.match(answer.headers['content-type'] ?? '', /^application\/problem\+json/);
    const body = answer.json<{ status: number; type: string; detail: string }>();
    assert.equal(body.status, status);
    return body;
  };

  it('answers 404 for an unknown source', async () => {
    const body = problem(await post(`${ingress.url}/in/src_nope`, github('{}'), '{}'), 404);
    assert.equal(body.type, 'urn:gateway:problem:not_found');
  });

  it('answers 413 from content-length before reading, and while streaming a chunked body', async () => {
    const big = Buffer.from(JSON.stringify({ pad: 'x'.repeat(64 * 1024) }));
    problem(await postOversized(`${ingress.url}/in/${small}`, github(big.toString()), big, false), 413);
    const huge = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const answer = await postOversized(
      `${ingress.url}/in/${small}`,
      { 'content-type': 'application/json' },
      huge,
      true,
    );
    problem(answer, 413);
    assert.equal(answer.headers.connection, 'close');
    const fits = JSON.stringify({ pad: 'x'.repeat(1500) });
    assert.equal((await post(`${ingress.url}/in/${small}`, github(fits), fits)).status, 200);
  });

  it('delivers the 413 to a client that keeps sending, without resetting the connection first', async () => {
    const huge = Buffer.alloc(8 * 1024 * 1024, 0x61);
    for (let i = 0; i < 5; i++) {
      problem(
        await postOversized(
          `${ingress.url}/in/${small}`,
          { 'content-type': 'application/json' },
          huge,
          false,
          0,
        ),
        413,
      );
      problem(
        await postOversized(
          `${ingress.url}/in/${small}`,
          { 'content-type': 'application/json' },
          huge,
          true,
          0,
        ),
        413,
      );
    }
  });

  it("answers 415 where the provider's content type is required", async () => {
    const body = problem(
      await post(
        `${ingress.url}/in/${twilio}`,
        { 'content-type': 'application/json', 'x-twilio-signature': 'AAAA' },
        '{"a":1}',
      ),
      415,
    );
    assert.equal(body.type, 'urn:gateway:problem:unsupported_media_type');
    problem(await post(`${ingress.url}/in/${mailgun}`, { 'content-type': 'text/plain' }, 'not json'), 415);
  });

  it('answers 429 with Retry-After once a source exceeds its rate', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 3; i++) {
      const body = JSON.stringify({ n: i });
      const answer = await post(`${ingress.url}/in/${limited}`, github(body), body);
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers['retry-after'];
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.match(retryAfter ?? '', /^\d+$/);
    const other = JSON.stringify({ other: true });
    assert.equal(
      (await post(`${ingress.url}/in/${small}`, github(other), other)).status,
      200,
      'other sources are not limited',
    );
  });

  // Issue 19: the rate limit was spent before the signature check, so an unsigned flood made the
  // real provider's requests 429.
  it('refuses unsigned requests from a budget of their own: a flood of them leaves the source its rate', async () => {
    const flooded = await insertSource(db, {
      provider: 'github',
      secrets: [secret],
      rateLimit: { perSecond: 0.05, burst: 2 },
    });
    await ingressSees(ingress, 5);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const body = JSON.stringify({ forged: i });
      const answer = await post(
        `${ingress.url}/in/${flooded}`,
        { ...github(body), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
        body,
      );
      statuses.push(answer.status);
    }
    assert.deepEqual(
      statuses,
      [401, 401, 429, 429, 429, 429],
      'refused, then throttled once their own budget is spent',
    );
    const body = JSON.stringify({ real: true });
    assert.equal(
      (await post(`${ingress.url}/in/${flooded}`, github(body), body)).status,
      200,
      'the provider still gets through',
    );
  });

  it('sheds load with 503 and Retry-After beyond INGRESS_MAX_IN_FLIGHT, at once', async () => {
    // Three requests whose bodies never finish hold every slot.
    const held: ClientRequest[] = [];
    for (let i = 0; i < 3; i++) {
      const slow = request(`${ingress.url}/in/${small}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '100' },
      });
      slow.on('error', () => undefined);
      slow.write('{"slow":');
      held.push(slow);
    }
    try {
      let answer: Awaited<ReturnType<typeof post>> | undefined;
      for (let attempt = 0; attempt < 50 && answer?.status !== 503; attempt++) {
        answer = await post(`${ingress.url}/in/${small}`, github('{}'), '{}');
      }
      const started = Date.now();
      answer = await post(`${ingress.url}/in/${small}`, github('{}'), '{}');
      const body = problem(answer, 503);
      assert.equal(body.type, 'urn:gateway:problem:overloaded');
      assert.equal(answer.headers['retry-after'], '7');
      assert.ok(Date.now() - started < 1000, 'answered without waiting (for a body or a slot)');
      assert.equal(
        await metricValue(ingress, 'gateway_ingress_admission_limit'),
        3,
        'an idle loop leaves the limit at INGRESS_MAX_IN_FLIGHT',
      );
    } finally {
      for (const slow of held) slow.destroy();
      await waitFor(
        'the held slots to free',
        5000,
        async () => (await metricValue(ingress, 'gateway_ingress_in_flight_requests')) === 0,
      );
    }
  });

  it('verifies Twilio against PUBLIC_BASE_URL and ignores forwarded headers it was not told to trust', async () => {
    const form = 'CallSid=CA1&CallStatus=ringing';
    const params = 'CallSidCA1CallStatusringing';
    const sign = (url: string) =>
      createHmac('sha1', secret)
        .update(url + params)
        .digest('base64');
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'i-twilio-idempotency-token': uniqueId('t'),
    };
    const path = `/in/${twilio}`;
    const good = await post(
      `${ingress.url}${path}`,
      { ...headers, 'x-twilio-signature': sign(`${publicBaseUrl}${path}`) },
      form,
    );
    assert.equal(good.status, 200, good.text);
    const spoofed = await post(
      `${ingress.url}${path}`,
      {
        ...headers,
        'x-forwarded-host': 'evil.example',
        'x-twilio-signature': sign(`https://evil.example${path}`),
      },
      form,
    );
    assert.equal(spoofed.status, 401);
  });
});

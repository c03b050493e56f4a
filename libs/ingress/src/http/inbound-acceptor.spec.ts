import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { InboundMessage } from '@gateway/schemas';
import type { IngressSource } from '../sources/ingress-source';
import { InboundAcceptor } from './inbound-acceptor';

const secret = "It's a Secret to Everybody";
const github = (overrides: Partial<IngressSource> = {}): IngressSource => ({
  id: 'src_gh',
  provider: 'github',
  settings: { secrets: [secret], toleranceSeconds: 300 },
  maxBodyBytes: 1000,
  dedupWindowSeconds: 60,
  rateLimit: null,
  unreadable: null,
  ...overrides,
});

function request(body = 'Hello, World!', delivery = 'd-1', key = secret) {
  const signature = `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
  return {
    method: 'POST',
    url: 'https://hooks.example.com/in/src_gh',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signature,
      'x-github-delivery': delivery,
      'x-github-event': 'push',
      authorization: 'Bearer not-for-downstream',
      host: 'ingress:8081',
    },
    rawBody: Buffer.from(body),
  };
}

function acceptor(
  write: (message: InboundMessage, traceparent?: string) => Promise<void>,
  ackTimeoutMs = 1000,
) {
  const misconfigured: string[] = [];
  const instance = new InboundAcceptor(
    {
      write,
      now: () => 1_767_225_600_000,
      onMisconfigured: (source, error) => misconfigured.push(`${source.id}: ${error.message}`),
    },
    { ackTimeoutMs, retryAfterSeconds: 3, dedupCacheSize: 100 },
  );
  return { instance, misconfigured };
}

describe('InboundAcceptor', () => {
  it('writes a verified webhook once and answers its duplicates without another write', async () => {
    const written: InboundMessage[] = [];
    const { instance } = acceptor(async (message) => void written.push(message));
    const first = await instance.accept(github(), request());
    assert.equal(first.kind, 'accepted');
    const again = await instance.accept(github(), request());
    assert.deepEqual(again, { kind: 'duplicate', id: first.kind === 'accepted' ? first.id : '' });
    assert.equal(written.length, 1);
    const message = written[0];
    assert.equal(message.sourceId, 'src_gh');
    assert.equal(message.provider, 'github');
    assert.equal(message.providerEventId, 'd-1');
    assert.equal(message.providerEventType, 'push');
    assert.equal(message.receivedAt, '2026-01-01T00:00:00.000Z');
    assert.equal(Buffer.from(message.bodyBase64, 'base64').toString(), 'Hello, World!');
    assert.equal(message.headers.authorization, undefined, 'credentials are not passed on');
    assert.equal(message.headers.host, undefined);
    assert.equal(message.headers['x-github-event'], 'push');
  });

  it("writes the request span's traceparent with the message, so the next hops continue its trace", async () => {
    const traceparents: (string | undefined)[] = [];
    const { instance } = acceptor(async (_message, traceparent) => void traceparents.push(traceparent));
    const span = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    assert.equal((await instance.accept(github(), request('{}', 'd-traced'), span)).kind, 'accepted');
    assert.equal((await instance.accept(github(), request('{}', 'd-untraced'))).kind, 'accepted');
    assert.deepEqual(traceparents, [span, undefined]);
  });

  it('answers a copy that arrives while the first is being written once that write is acknowledged', async () => {
    let ack!: () => void;
    let writes = 0;
    const { instance } = acceptor(() => {
      writes++;
      return new Promise<void>((resolve) => (ack = resolve));
    });
    const first = instance.accept(github(), request());
    const second = instance.accept(github(), request());
    await new Promise((resolve) => setImmediate(resolve));
    ack();
    assert.equal((await first).kind, 'accepted');
    assert.equal((await second).kind, 'duplicate');
    assert.equal(writes, 1);
  });

  it('refuses bad signatures with a reason and no secret', async () => {
    const { instance } = acceptor(async () => assert.fail('nothing is written'));
    const outcome = await instance.accept(github(), request('Hello, World!', 'd-1', 'wrong'));
    assert.equal(outcome.kind, 'unauthorized');
    assert.ok(
      outcome.kind === 'unauthorized' &&
        outcome.reason === 'bad-signature' &&
        !outcome.detail.includes(secret),
    );
  });

  it('answers 503 (source-unreadable) for a source whose secrets do not open, writing nothing (ADR 0027)', async () => {
    const { instance } = acceptor(async () => assert.fail('nothing is written'));
    const unreadable = github({ settings: { secrets: [], toleranceSeconds: 300 }, unreadable: 'no key k0' });
    assert.deepEqual(await instance.accept(unreadable, request()), {
      kind: 'source-unreadable',
      retryAfterSeconds: 3,
    });
  });

  it('answers 503 (kafka-unavailable) when the write fails or is not acknowledged in time, and writes again on retry', async () => {
    let fail = true;
    let writes = 0;
    const { instance } = acceptor(() => {
      writes++;
      return fail ? Promise.reject(new Error('kafka down')) : Promise.resolve();
    });
    assert.deepEqual(await instance.accept(github(), request()), {
      kind: 'kafka-unavailable',
      retryAfterSeconds: 3,
    });
    fail = false;
    assert.equal((await instance.accept(github(), request())).kind, 'accepted');
    assert.equal(writes, 2);

    const slow = acceptor(() => new Promise(() => undefined), 50).instance;
    const started = Date.now();
    assert.equal((await slow.accept(github(), request())).kind, 'kafka-unavailable');
    assert.ok(Date.now() - started < 1000);
  });

  it('reports an unusable source configuration instead of throwing', async () => {
    const { instance, misconfigured } = acceptor(async () => undefined);
    const discord = github({
      provider: 'discord',
      settings: { secrets: ['not hex'], toleranceSeconds: 300 },
    });
    const outcome = await instance.accept(discord, {
      ...request(),
      headers: { 'x-signature-ed25519': '00'.repeat(64), 'x-signature-timestamp': '1767225600' },
    });
    assert.equal(outcome.kind, 'misconfigured');
    assert.equal(misconfigured.length, 1);
    assert.ok(!misconfigured[0].includes('not hex'));
  });

  it('does not remember events of a source without a dedup window', async () => {
    let writes = 0;
    const { instance } = acceptor(async () => void writes++);
    await instance.accept(github({ dedupWindowSeconds: 0 }), request());
    await instance.accept(github({ dedupWindowSeconds: 0 }), request());
    assert.equal(writes, 2);
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { OutboundStack } from '../support/outbound';
import { Receiver } from '../support/receiver';
import { waitFor } from '../support/wait-for';
import { post } from '../support/ingress';
import {
  allReady,
  canaryId,
  rawExchange,
  signedGithub,
  startForwardingFuzz,
  type ForwardingFuzz,
} from './fuzz-support';
import { fuzzParameters, hostileBytes, hostileJsonText } from './hostile';

const secret = 'fuzz-inbound-github-secret';
const maxBodyBytes = 64 * 1024;
/** Batches of hostile requests, each followed by a canary webhook. */
const RUNS = 12;

/** Raw request pieces for `rawExchange` (a number is a pause in ms). */
type Pieces = readonly (Buffer | number)[];

/**
 * Issue 19, fuzz: hostile requests to `POST /in/:sourceId`: oversized heads and bodies, bad
 * Content-Length, slow drips, signature headers with odd bytes, bytes that are not HTTP, and
 * signed bodies that are not UTF-8, deep or hold NUL. Each is answered 2xx or 4xx (or the
 * connection closed), never 5xx; then a signed webhook is accepted and forwarded to the endpoint,
 * the journal and inbound consumers' lag returns to 0, and every service stays ready.
 */
describe('fuzz: hostile inbound requests (issue 19)', () => {
  let stack: OutboundStack;
  let sourceId: string;
  let lags: ForwardingFuzz['lags'];
  let fuzz: ForwardingFuzz | undefined;
  const receiver = new Receiver();

  before(async () => {
    fuzz = await startForwardingFuzz(receiver, {
      services: ['ingress', 'router', 'dispatcher'],
      secret,
      source: { maxBodyBytes },
    });
    ({ stack, sourceId, lags } = fuzz);
  });

  after(async () => {
    await fuzz?.stop();
  });

  const line = (text: string) => Buffer.from(`${text}\r\n`, 'latin1');
  const requestHead = (headers: string[]) =>
    Buffer.concat([
      line(`POST /in/${sourceId} HTTP/1.1`),
      line('host: fuzz'),
      ...headers.map(line),
      line(''),
    ]);
  const signed = (body: Buffer, extra: string[] = []) => {
    const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    return requestHead([
      `x-hub-signature-256: ${signature}`,
      'x-github-event: fuzz.inbound',
      `x-github-delivery: ${canaryId('d')}`,
      'content-type: application/json',
      `content-length: ${body.length}`,
      ...extra,
    ]);
  };

  const requests: fc.Arbitrary<Pieces> = fc.oneof(
    fc
      .integer({ min: 17_000, max: 100_000 })
      .map((size) => [requestHead([`x-big: ${'a'.repeat(size)}`, 'content-length: 0'])]),
    fc
      .integer({ min: maxBodyBytes + 1, max: 4 * maxBodyBytes })
      .map((size) => [
        requestHead([`content-length: ${size}`]),
        Buffer.alloc(Math.min(size, 32 * 1024), 0x61),
      ]),
    fc
      .integer({ min: 2, max: 8 })
      .map((pieces) => [
        requestHead(['transfer-encoding: chunked']),
        ...Array.from({ length: pieces }, () => Buffer.from(`8000\r\n${'c'.repeat(0x8000)}\r\n`)),
      ]),
    fc
      .constantFrom('abc', '-1', '1e3', ' 12 ', '99999999999999999999', '12, 13')
      .map((length) => [requestHead([`content-length: ${length}`]), Buffer.from('{"a":1}')]),
    fc.constant([requestHead(['content-length: 7', 'content-length: 9']), Buffer.from('{"a":1}')]),
    fc.constant([requestHead(['content-length: 7', 'transfer-encoding: chunked']), Buffer.from('{"a":1}')]),
    fc
      .integer({ min: 10, max: 5000 })
      .map((declared) => [requestHead([`content-length: ${declared}`]), Buffer.from('{"short":1}')]),
    fc.tuple(hostileJsonText, fc.integer({ min: 2, max: 6 })).map(([text, pieces]) => {
      const body = Buffer.from(text.slice(0, maxBodyBytes / 2));
      const step = Math.ceil(body.length / pieces);
      const parts: (Buffer | number)[] = [signed(body)];
      for (let at = 0; at < body.length; at += step) parts.push(body.subarray(at, at + step), 60);
      return parts;
    }),
    fc
      .tuple(
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.constantFrom('x-hub-signature-256', 'x-github-event', 'x-github-delivery', 'content-type'),
      )
      .map(([bytes, name]) => {
        const value = Buffer.from(bytes.filter((byte) => byte !== 0x0d && byte !== 0x0a));
        const body = Buffer.from('{"odd":true}');
        return [
          Buffer.concat([
            line(`POST /in/${sourceId} HTTP/1.1`),
            line('host: fuzz'),
            Buffer.from(`${name}: `),
            value,
            line(''),
            line('content-length: 12'),
            line(''),
          ]),
          body,
        ];
      }),
    fc.oneof(hostileBytes, fc.constant(Buffer.from('\u0000\u0001GARBAGE\r\n\r\n'))).map((bytes) => [bytes]),
    fc
      .oneof(
        hostileBytes,
        fc.constant(Buffer.from('{"a":"\\u0000","b":"\\ud800"}')),
        fc.constant(Buffer.from(`{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`)),
      )
      .map((body) => [signed(body), body]),
  );

  it('answers every request 2xx or 4xx, never 5xx, and forwards the next signed webhook', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requests, { minLength: 1, maxLength: 5 }), async (batch) => {
        for (const pieces of batch) {
          const status = await rawExchange(`${stack.services.ingress.url}/in/${sourceId}`, pieces);
          assert.ok(status === null || status < 500, `answered ${status}`);
        }
        const id = canaryId('inbound');
        const body = JSON.stringify({ canary: id });
        const answer = await post(
          `${stack.services.ingress.url}/in/${sourceId}`,
          signedGithub(secret, 'fuzz.inbound', body),
          body,
        );
        assert.equal(answer.status, 200, answer.text);
        await waitFor('the canary webhook forwarded and delivered', 15_000, () =>
          receiver.requests.some((request) => request.body.includes(id)),
        );
        await lags.waitForNoLag([
          { group: `${stack.prefix}ingress-journal`, topic: stack.topics.inboundJournal },
          { group: `${stack.prefix}router-inbound`, topic: stack.topics.inbound },
        ]);
        await allReady(stack.services);
      }),
      fuzzParameters(RUNS),
    );
  });
});

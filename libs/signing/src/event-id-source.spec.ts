import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { InboundRequest, InboundResult, InboundSettings } from './inbound';
import { readProviderVectors, type ProviderVector } from './provider-vectors';
import { eventIdSourceOf, providerKeys, verifyInbound, type ProviderKey } from './verify-inbound';

/**
 * Each verifier declares where its event ids come from (`EventIdSource`), and deduplication trusts
 * that declaration (issue 20): these check it against what the verifier does with the provider
 * vectors. An id declared unsigned changes with its header while the request still verifies; no
 * header of a request whose id is declared signed can change the id and still verify.
 */
const vectors = readProviderVectors(path.resolve('test/fixtures/provider-vectors.json')).filter(
  (vector) => vector.expect === 'valid',
);

const requestOf = (vector: ProviderVector): InboundRequest => ({
  method: 'POST',
  url: vector.url ?? 'https://hooks.example.com/in/src_1',
  headers: Object.fromEntries(
    Object.entries(vector.headers).map(([name, value]) => [name.toLowerCase(), value]),
  ),
  rawBody: Buffer.from(vector.body, 'utf8'),
  now: vector.timestamp_now,
});

const settingsOf = (vector: ProviderVector): InboundSettings => ({
  secrets: [vector.secret ?? vector.public_key ?? ''],
  toleranceSeconds: vector.tolerance_seconds ?? 300,
});

const idOf = (result: InboundResult): string | null | undefined => (result.ok ? result.eventId : undefined);

const OTHER_ID = 'another-delivery-id';

describe('EventIdSource: what each verifier declares of its event ids', () => {
  it('is declared by every provider, and by nothing else', () => {
    for (const provider of providerKeys) assert.notEqual(eventIdSourceOf(provider), undefined, provider);
    for (const name of ['nope', 'toString', '__proto__', 'constructor']) {
      assert.equal(eventIdSourceOf(name), undefined, name);
    }
  });

  for (const provider of providerKeys) {
    const source = eventIdSourceOf(provider);
    const own = vectors.filter((vector) => vector.provider === provider);
    if (own.length === 0) continue; // generic-hmac: its own case below

    it(`${provider}: ${JSON.stringify(source)} holds for its valid vectors`, () => {
      for (const vector of own) {
        const request = requestOf(vector);
        const settings = settingsOf(vector);
        const verify = (changed: InboundRequest) => verifyInbound(provider, changed, settings);
        const id = idOf(verify(request));
        assert.notEqual(id, undefined, `${vector.id} verifies`);
        if (source === null || source === undefined) {
          assert.equal(id, null, `${vector.id}: the provider sends no id`);
        } else if (source.signed) {
          for (const name of Object.keys(request.headers)) {
            const changed = verify({ ...request, headers: { ...request.headers, [name]: OTHER_ID } });
            assert.ok(!changed.ok || changed.eventId === id, `${vector.id}: ${name} changed the id unsigned`);
          }
        } else if ('headers' in source) {
          assert.ok(Array.isArray(source.headers));
          const without = Object.fromEntries(
            Object.entries(request.headers).filter(([name]) => !source.headers.includes(name)),
          );
          for (const name of source.headers) {
            const changed = verify({ ...request, headers: { ...without, [name]: OTHER_ID } });
            assert.equal(idOf(changed), OTHER_ID, `${vector.id}: ${name} is the unsigned id`);
          }
        } else {
          // The id in the body is not signed, the token is: another id verifies, under the same token.
          const body = JSON.parse(vector.body) as { 'event-data': { id: string } };
          body['event-data'].id = OTHER_ID;
          const rawBody = Buffer.from(JSON.stringify(body));
          assert.equal(idOf(verify({ ...request, rawBody })), OTHER_ID);
          const token = source.token(request.rawBody, request.headers['content-type'] ?? null);
          assert.ok(token, `${vector.id} has a token`);
          assert.equal(source.token(rawBody, request.headers['content-type'] ?? null), token);
        }
      }
    });
  }

  it("generic-hmac: the id is in the header a source's options name, unsigned", () => {
    assert.deepEqual(eventIdSourceOf('generic-hmac'), { signed: false, headers: 'options' });
    const body = '{"kind":"thing.done"}';
    const signature = createHmac('sha256', 'secret').update(body).digest('hex');
    const result = verifyInbound(
      'generic-hmac',
      {
        method: 'POST',
        url: 'https://hooks.example.com/in/src_1',
        headers: { 'x-signature': signature, 'x-event-id': OTHER_ID },
        rawBody: Buffer.from(body),
        now: 0,
      },
      {
        secrets: ['secret'],
        toleranceSeconds: 300,
        options: { header: 'x-signature', eventIdHeader: 'x-event-id' },
      },
    );
    assert.equal(idOf(result), OTHER_ID);
  });

  it('names the providers whose ids are unsigned as deduplication always had them', () => {
    const unsigned = providerKeys.filter((provider) => {
      const source = eventIdSourceOf(provider);
      return source != null && 'headers' in source;
    });
    assert.deepEqual(unsigned.sort(), ['generic-hmac', 'github', 'gitlab', 'linear', 'shopify', 'twilio']);
    const none: ProviderKey[] = providerKeys.filter((provider) => eventIdSourceOf(provider) === null);
    assert.deepEqual(none.sort(), ['sendgrid', 'zoom']);
  });
});

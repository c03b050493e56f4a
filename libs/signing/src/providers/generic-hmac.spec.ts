import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { genericHmacOptionsSchema, verifyInbound, type InboundResult } from '../index';

const SECRET = 'generic-secret';
const BODY = '{"id":"evt_1","kind":"thing.done"}';
const NOW = 1767225600;

const call = (headers: Record<string, string>, options: Record<string, unknown>, now = NOW): InboundResult =>
  verifyInbound(
    'generic-hmac',
    { method: 'POST', url: 'https://hooks.example.com/in/src_1', headers, rawBody: Buffer.from(BODY), now },
    { secrets: ['other-secret', SECRET], toleranceSeconds: 300, options },
  );

const reasonOf = (result: InboundResult) => (result.ok ? 'ok' : result.reason);

void describe('genericHmacOptionsSchema', () => {
  void it('fills defaults and lower-cases header names', () => {
    assert.deepEqual(genericHmacOptionsSchema.parse({ header: 'X-Signature' }), {
      header: 'x-signature',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: '',
      signed: 'body',
    });
  });

  void it('requires a timestamp header when the timestamp is signed', () => {
    const result = genericHmacOptionsSchema.safeParse({ header: 'x-signature', signed: 'timestamp.body' });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['timestampHeader']);
  });

  void it('refuses unknown algorithms and impossible header names', () => {
    assert.equal(
      genericHmacOptionsSchema.safeParse({ header: 'x-signature', algorithm: 'md5' }).success,
      false,
    );
    assert.equal(genericHmacOptionsSchema.safeParse({ header: 'x signature' }).success, false);
  });
});

void describe('generic-hmac', () => {
  void it('verifies a prefixed hex HMAC of the body and reads id and type headers', () => {
    const digest = createHmac('sha256', SECRET).update(BODY).digest('hex');
    const options = {
      header: 'X-Signature',
      prefix: 'sha256=',
      eventIdHeader: 'x-id',
      eventTypeHeader: 'x-type',
    };
    const result = call(
      { 'x-signature': `sha256=${digest}`, 'x-id': 'evt_1', 'x-type': 'thing.done' },
      options,
    );
    assert.deepEqual(result, { ok: true, eventId: 'evt_1', eventType: 'thing.done' });
    assert.equal(reasonOf(call({ 'x-signature': digest }, options)), 'malformed-header');
    assert.equal(reasonOf(call({}, options)), 'missing-header');
  });

  void it('verifies a base64 sha512 HMAC of timestamp.body within the tolerance', () => {
    const options = {
      header: 'x-sig',
      algorithm: 'sha512',
      encoding: 'base64',
      signed: 'timestamp.body',
      timestampHeader: 'x-ts',
    };
    const digest = createHmac('sha512', SECRET).update(`${NOW}.${BODY}`).digest('base64');
    const headers = { 'x-sig': digest, 'x-ts': String(NOW) };
    assert.equal(reasonOf(call(headers, options)), 'ok');
    assert.equal(reasonOf(call(headers, options, NOW + 301)), 'stale-timestamp');
    assert.equal(reasonOf(call(headers, options, NOW - 301)), 'future-timestamp');
    assert.equal(reasonOf(call({ ...headers, 'x-ts': String(NOW + 1) }, options)), 'bad-signature');
    assert.equal(reasonOf(call({ 'x-sig': digest }, options)), 'missing-header');
  });

  void it('throws a configuration error, not a rejection, for unusable options', () => {
    assert.throws(() => call({}, { header: 'x-sig', encoding: 'base32' }), {
      code: 'signing_config_invalid',
    });
  });
});

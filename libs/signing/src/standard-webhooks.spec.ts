import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import {
  generateEd25519KeyPair,
  generateSecret,
  publicKeyOf,
  signPayload,
  verifyPayload,
  type VerifyPayloadResult,
} from './index';

// The published vector of the reference library's tests ("sign function works").
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const PAYLOAD = '{"test": 2432232314}';

const headersFor = (signature: string, id = ID, timestamp = TS) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

const check = (signature: string, secrets: string[], now = TS, toleranceSeconds = 300): VerifyPayloadResult =>
  verifyPayload({ headers: headersFor(signature), payload: PAYLOAD, secrets, toleranceSeconds, now });

const reasonOf = (result: VerifyPayloadResult) => (result.ok ? 'ok' : result.reason);

void describe('generateSecret', () => {
  void it('is whsec_ and base64 of 24 random bytes', () => {
    const secret = generateSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 24);
    assert.notEqual(secret, generateSecret());
  });
});

void describe('signPayload and verifyPayload', () => {
  void it('reproduces the published vector', () => {
    const signature = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [SECRET] });
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    assert.deepEqual(check(signature, [SECRET]), { ok: true, id: ID, timestamp: TS });
  });

  void it('signs the exact bytes, whether given a string or a Buffer', () => {
    const secrets = [generateSecret()];
    const fromString = signPayload({ id: ID, timestamp: TS, payload: 'ü', secrets });
    assert.equal(signPayload({ id: ID, timestamp: TS, payload: Buffer.from('ü'), secrets }), fromString);
  });

  void it('rotates: two secrets give two entries, and either one verifies', () => {
    const previous = generateSecret();
    const next = generateSecret();
    const signature = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [next, previous] });
    assert.equal(signature.split(' ').length, 2);
    assert.equal(reasonOf(check(signature, [previous])), 'ok');
    assert.equal(reasonOf(check(signature, [next])), 'ok');
    assert.equal(reasonOf(check(signature, [generateSecret()])), 'bad-signature');
  });

  void it('applies the tolerance both ways, inclusive at the edge', () => {
    const signature = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [SECRET] });
    assert.equal(reasonOf(check(signature, [SECRET], TS + 300)), 'ok');
    assert.equal(reasonOf(check(signature, [SECRET], TS + 301)), 'stale-timestamp');
    assert.equal(reasonOf(check(signature, [SECRET], TS - 300)), 'ok');
    assert.equal(reasonOf(check(signature, [SECRET], TS - 301)), 'future-timestamp');
    assert.equal(reasonOf(check(signature, [SECRET], TS, 0)), 'ok');
    assert.equal(reasonOf(check(signature, [SECRET], TS + 1, 0)), 'stale-timestamp');
  });

  void it('checks the signature before the time, so a forged old request is a bad signature', () => {
    assert.equal(reasonOf(check('v1,AAAA', [SECRET], TS + 10_000)), 'bad-signature');
  });

  void it('ignores unknown versions and never downgrades to them', () => {
    const good = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [SECRET] }).slice(3);
    assert.equal(reasonOf(check(`v2,${good}`, [SECRET])), 'bad-signature');
    assert.equal(reasonOf(check(`v2,${good} v1,${good}`, [SECRET])), 'ok');
  });

  void it('names what is missing or malformed', () => {
    const missing = verifyPayload({
      headers: {},
      payload: PAYLOAD,
      secrets: [SECRET],
      toleranceSeconds: 300,
      now: TS,
    });
    assert.deepEqual(missing, {
      ok: false,
      reason: 'missing-header',
      detail: 'missing webhook-id, webhook-timestamp, webhook-signature',
    });
    const badTime = { ...headersFor('v1,AAAA'), 'webhook-timestamp': 'soon' };
    const result = verifyPayload({
      headers: badTime,
      payload: PAYLOAD,
      secrets: [SECRET],
      toleranceSeconds: 300,
      now: TS,
    });
    assert.equal(reasonOf(result), 'malformed-header');
    assert.equal(reasonOf(check('no-comma-here', [SECRET])), 'malformed-header');
  });

  void it('checks at most 16 distinct entries: a longer list is malformed, repeats count once', () => {
    const good = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [SECRET] });
    const filler = Array.from({ length: 16 }, (_, n) => `v1a,${Buffer.alloc(64, n).toString('base64')}`);
    assert.equal(reasonOf(check([...filler, good].join(' '), [SECRET])), 'malformed-header');
    assert.equal(reasonOf(check([...filler.slice(0, 15), good].join(' '), [SECRET])), 'ok');
    assert.equal(reasonOf(check([...Array<string>(100).fill(filler[0]), good].join(' '), [SECRET])), 'ok');
  });

  void it('refuses ids that would make the signed content ambiguous', () => {
    assert.throws(
      () => signPayload({ id: 'a.b', timestamp: TS, payload: '', secrets: [SECRET] }),
      RangeError,
    );
  });

  void it('reports an unusable secret by position and code, never by value', () => {
    const secret = 'whsec_not*base64!';
    assert.throws(
      () => signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [SECRET, secret] }),
      (error: Error & { code?: string }) =>
        error.code === 'signing_config_invalid' &&
        error.message.includes('#2') &&
        !error.message.includes(secret),
    );
  });
});

void describe('interop with the standardwebhooks package', () => {
  const now = () => Math.floor(Date.now() / 1000);

  void it('their verify accepts what we sign (with a rotation list)', () => {
    const secret = generateSecret();
    const timestamp = now();
    const signature = signPayload({
      id: ID,
      timestamp,
      payload: PAYLOAD,
      secrets: [generateSecret(), secret],
    });
    const parsed = new Webhook(secret).verify(PAYLOAD, headersFor(signature, ID, timestamp));
    assert.deepEqual(parsed, { test: 2432232314 });
  });

  void it('their verify accepts a header that also carries our v1a entry', () => {
    const secret = generateSecret();
    const timestamp = now();
    const { secretKey } = generateEd25519KeyPair();
    const signature = signPayload({ id: ID, timestamp, payload: PAYLOAD, secrets: [secretKey, secret] });
    assert.doesNotThrow(() => new Webhook(secret).verify(PAYLOAD, headersFor(signature, ID, timestamp)));
  });

  void it('we accept what they sign, and refuse it tampered', () => {
    const secret = generateSecret();
    const timestamp = now();
    const signature = new Webhook(secret).sign(ID, new Date(timestamp * 1000), PAYLOAD);
    const input = {
      headers: headersFor(signature, ID, timestamp),
      secrets: [secret],
      toleranceSeconds: 300,
      now: now(),
    };
    assert.equal(reasonOf(verifyPayload({ ...input, payload: PAYLOAD })), 'ok');
    assert.equal(reasonOf(verifyPayload({ ...input, payload: Buffer.from(PAYLOAD) })), 'ok');
    assert.equal(reasonOf(verifyPayload({ ...input, payload: `${PAYLOAD} ` })), 'bad-signature');
  });
});

void describe('Ed25519 (v1a)', () => {
  void it('generates whsk_/whpk_ keys of 32 bytes each', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair();
    assert.match(secretKey, /^whsk_[A-Za-z0-9+/]{43}=$/);
    assert.match(publicKey, /^whpk_[A-Za-z0-9+/]{43}=$/);
    assert.equal(publicKeyOf(secretKey), publicKey);
  });

  void it('signs with whsk_ and verifies with whpk_ (or the secret key itself)', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair();
    const signature = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [secretKey] });
    assert.match(signature, /^v1a,[A-Za-z0-9+/]{86}==$/);
    assert.equal(reasonOf(check(signature, [publicKey])), 'ok');
    assert.equal(reasonOf(check(signature, [secretKey])), 'ok');
    assert.equal(reasonOf(check(signature, [generateEd25519KeyPair().publicKey])), 'bad-signature');
    const tampered = verifyPayload({
      headers: headersFor(signature),
      payload: `${PAYLOAD} `,
      secrets: [publicKey],
      toleranceSeconds: 300,
      now: TS,
    });
    assert.equal(reasonOf(tampered), 'bad-signature');
  });

  void it('produces a plain RFC 8032 signature over id.timestamp.payload', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair();
    const signature = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [secretKey] });
    const x = Buffer.from(publicKey.slice(5), 'base64').toString('base64url');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    const bytes = Buffer.from(`${ID}.${TS}.${PAYLOAD}`);
    assert.ok(verify(null, bytes, key, Buffer.from(signature.slice(4), 'base64')));
  });

  void it('reads PKCS8 secret keys and SPKI public keys too', () => {
    const pair = generateKeyPairSync('ed25519');
    const pkcs8 = `whsk_${pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`;
    const spki = `whpk_${pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`;
    const signature = signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [pkcs8] });
    assert.equal(reasonOf(check(signature, [spki])), 'ok');
    assert.equal(reasonOf(check(signature, [publicKeyOf(pkcs8)])), 'ok');
  });

  void it('verifies a mixed header with either kind of key', () => {
    const symmetric = generateSecret();
    const { secretKey, publicKey } = generateEd25519KeyPair();
    const signature = signPayload({
      id: ID,
      timestamp: TS,
      payload: PAYLOAD,
      secrets: [symmetric, secretKey],
    });
    assert.match(signature, /^v1,\S+ v1a,\S+$/);
    assert.equal(reasonOf(check(signature, [symmetric])), 'ok');
    assert.equal(reasonOf(check(signature, [publicKey])), 'ok');
  });

  void it('cannot sign with a public key', () => {
    const { publicKey } = generateEd25519KeyPair();
    assert.throws(() => signPayload({ id: ID, timestamp: TS, payload: PAYLOAD, secrets: [publicKey] }), {
      code: 'signing_config_invalid',
    });
  });
});

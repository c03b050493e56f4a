import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyListProblems, parseKeyList } from './key-ring';
import { SecretBox, SecretOpenError } from './secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });
const place = 'endpoint_secrets.key:ep_1';

describe('SecretBox', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  it('seals into a versioned envelope naming the key, with a fresh nonce each time', () => {
    const box = new SecretBox([k1]);
    const a = box.seal('whsec_abc', place);
    const b = box.seal('whsec_abc', place);
    assert.match(a, /^enc:v1:k1:[A-Za-z0-9_-]+$/);
    assert.notEqual(a, b);
    assert.ok(!a.includes('whsec_abc'));
    assert.equal(box.open(a, place), 'whsec_abc');
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('secret value', place);
    const body = Buffer.from(sealed.slice('enc:v1:k1:'.length), 'base64url');
    body[14] ^= 1;
    assert.throws(() => box.open(`enc:v1:k1:${body.toString('base64url')}`, place), SecretOpenError);
    assert.throws(() => box.open('enc:v1:k1:AAAA', place), SecretOpenError);
  });

  it('remembers what it opened without letting a tampered copy or another place through', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('secret value', place);
    assert.equal(box.open(sealed, place), 'secret value');
    assert.equal(box.open(sealed, place), 'secret value');
    const body = Buffer.from(sealed.slice('enc:v1:k1:'.length), 'base64url');
    body[body.length - 1] ^= 1;
    assert.throws(() => box.open(`enc:v1:k1:${body.toString('base64url')}`, place), SecretOpenError);
    assert.throws(() => box.open(sealed, 'endpoint_secrets.key:ep_2'), SecretOpenError);
  });

  it('refuses a ciphertext moved to another column or row (associated data)', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('secret value', place);
    assert.throws(() => box.open(sealed, 'sources.secrets:ep_1'), /does not authenticate/);
    assert.throws(() => box.open(sealed, 'endpoint_secrets.key:ep_2'), /does not authenticate/);
  });

  it('refuses a key id it does not hold, without naming key material', () => {
    const sealed = new SecretBox([k2]).seal('secret value', place);
    assert.throws(() => new SecretBox([k1]).open(sealed, place), /key id that is not configured/);
  });

  it('seals with the newest key, opens with any, and reseals only what is not under the newest', () => {
    const old = new SecretBox([k1]).seal('s', place);
    const box = new SecretBox([k2, k1]);
    assert.equal(box.open(old, place), 's');
    assert.match(box.seal('s', place), /^enc:v1:k2:/);
    const resealed = box.reseal(old, place);
    assert.match(resealed ?? '', /^enc:v1:k2:/);
    assert.equal(box.reseal(resealed!, place), undefined);
    // A plaintext written before encryption opens as itself and is sealed by reseal.
    assert.equal(box.open('whsec_plain', place), 'whsec_plain');
    assert.equal(box.open(box.reseal('whsec_plain', place)!, place), 'whsec_plain');
  });
});

describe('keyListProblems', () => {
  const good = randomBytes(32).toString('base64');

  it('accepts a list of <id>:<base64 32 bytes>, newest first', () => {
    assert.deepEqual(keyListProblems(`k2:${good}, k1:${good}`), []);
    assert.deepEqual(
      parseKeyList(`k2:${good},k1:${good}`).map((k) => k.id),
      ['k2', 'k1'],
    );
  });

  it('names a wrong length, a duplicate id and a bad entry, never the key material', () => {
    const short = randomBytes(16).toString('base64');
    const problems = keyListProblems(`k1:${short},k2:${good},k2:${good},nocolon,bad id:${good}`);
    assert.equal(problems.length, 4);
    assert.match(problems[0], /entry #1 \("k1"\): .*exactly 32/);
    assert.match(problems[1], /"k2" appears twice/);
    assert.match(problems[2], /entry #4/);
    assert.match(problems[3], /entry #5/);
    for (const line of problems) assert.ok(!line.includes(short) && !line.includes(good));
    assert.deepEqual(keyListProblems(''), ['expected at least one <id>:<base64 of 32 bytes>']);
    assert.throws(() => parseKeyList(`k1:${short}`), /SECRETS_ENCRYPTION_KEYS/);
  });
});

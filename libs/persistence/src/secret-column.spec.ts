import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { SecretBox } from '@gateway/encryption';
import { SecretColumn } from './secret-column';

describe('SecretColumn', () => {
  const k1 = { id: 'k1', key: randomBytes(32) };
  const k2 = { id: 'k2', key: randomBytes(32) };

  it('seals each header value bound to its endpoint and name, and opens them back', () => {
    const column = new SecretColumn(new SecretBox([k1]), 'endpoints.headers');
    const sealed = column.sealMap({ Authorization: 'Bearer t', 'X-Team': 'billing' }, 'ep_1');
    assert.deepEqual(Object.keys(sealed), ['Authorization', 'X-Team']);
    for (const value of Object.values(sealed)) assert.match(value, /^enc:v1:k1:/);
    assert.deepEqual(column.openMap(sealed, 'ep_1'), { Authorization: 'Bearer t', 'X-Team': 'billing' });
    // Swapping two values between names, or moving them to another endpoint, does not open.
    assert.throws(() => column.openMap({ Authorization: sealed['X-Team'] }, 'ep_1'), /does not authenticate/);
    assert.throws(() => column.openMap(sealed, 'ep_2'), /does not authenticate/);
  });

  it('reseals a map only when some value is not under the newest key (plaintext included)', () => {
    const old = new SecretColumn(new SecretBox([k1]), 'endpoints.headers').sealMap({ A: 'a' }, 'ep_1');
    const column = new SecretColumn(new SecretBox([k2, k1]), 'endpoints.headers');
    const resealed = column.resealMap({ ...old, B: 'plain' }, 'ep_1');
    assert.ok(resealed);
    for (const value of Object.values(resealed)) assert.match(value, /^enc:v1:k2:/);
    assert.deepEqual(column.openMap(resealed, 'ep_1'), { A: 'a', B: 'plain' });
    assert.equal(column.resealMap(resealed, 'ep_1'), undefined);
  });

  it('without keys reads plaintext but refuses to seal or to open a sealed value', () => {
    const sealed = new SecretColumn(new SecretBox([k1]), 'sources.secrets').seal('s', 'src_1');
    const keyless = new SecretColumn(undefined, 'sources.secrets');
    assert.equal(keyless.open('whsec_plain', 'src_1'), 'whsec_plain');
    assert.throws(() => keyless.open(sealed, 'src_1'), /set SECRETS_ENCRYPTION_KEYS/);
    assert.throws(() => keyless.seal('s', 'src_1'), /set SECRETS_ENCRYPTION_KEYS/);
  });
});

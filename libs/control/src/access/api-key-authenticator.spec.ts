import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKeyRecord } from '@gateway/persistence';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { newApiKey } from './api-key-secret';

function setup(overrides: Partial<ApiKeyRecord> = {}) {
  const { key, prefix, hash } = newApiKey();
  let row: ApiKeyRecord | undefined = {
    id: 'key_1',
    name: 'ci',
    tenant: 'acme',
    scopes: ['endpoints:read', 'not-a-scope'],
    prefix,
    hash,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    createdAt: new Date(0),
    ...overrides,
  };
  let now = 1_000_000;
  let loads = 0;
  const used: string[] = [];
  const auth = new ApiKeyAuthenticator(
    {
      findByPrefix: (asked) => {
        loads++;
        return Promise.resolve(asked === prefix ? row : undefined);
      },
    },
    (authorization) => authorization === 'Bearer the-admin-token-000',
    { note: (id) => used.push(id) },
    30_000,
    () => now,
  );
  return {
    key,
    prefix,
    auth,
    used,
    loads: () => loads,
    advance: (ms: number) => (now += ms),
    change: (patch: Partial<ApiKeyRecord>) => (row = row && { ...row, ...patch }),
  };
}

describe('ApiKeyAuthenticator', () => {
  it('finds a key by its prefix, checks its hash, and notes its use', async () => {
    const { key, auth, used } = setup();
    const caller = await auth.authenticate(`Bearer ${key}`);
    assert.equal(caller?.actor, 'key_1');
    assert.equal(caller?.tenant, 'acme');
    assert.deepEqual([...(caller?.scopes ?? [])], ['endpoints:read']);
    assert.deepEqual(used, ['key_1']);
  });

  it('refuses a key with the right prefix and a wrong secret, and unknown or malformed keys', async () => {
    const { key, auth } = setup();
    const wrong = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    for (const header of [
      `Bearer ${wrong}`,
      `Bearer gwk_00000000_${'a'.repeat(43)}`,
      'Bearer gwk_x',
      undefined,
    ]) {
      assert.equal(await auth.authenticate(header), undefined, String(header));
    }
  });

  it('keeps the admin token working, with every scope', async () => {
    const { auth } = setup();
    const admin = await auth.authenticate('Bearer the-admin-token-000');
    assert.equal(admin?.actor, 'admin');
    assert.ok(admin?.scopes.has('tenants:admin'));
  });

  it('refuses an expired key and a revoked one', async () => {
    const expired = setup({ expiresAt: new Date(999_999) });
    assert.equal(await expired.auth.authenticate(`Bearer ${expired.key}`), undefined);
    const revoked = setup({ revokedAt: new Date(0) });
    assert.equal(await revoked.auth.authenticate(`Bearer ${revoked.key}`), undefined);
  });

  it('answers from its cache, re-reads a forgotten key at once and any key after the TTL', async () => {
    const { key, prefix, auth, loads, change, advance } = setup();
    await auth.authenticate(`Bearer ${key}`);
    await auth.authenticate(`Bearer ${key}`);
    assert.equal(loads(), 1);
    change({ revokedAt: new Date() });
    auth.forget(prefix);
    assert.equal(await auth.authenticate(`Bearer ${key}`), undefined);
    assert.equal(loads(), 2);
    change({ revokedAt: null });
    advance(30_000);
    assert.ok(await auth.authenticate(`Bearer ${key}`));
    assert.equal(loads(), 3);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreatedApiKeyView } from './api-key.schemas';
import type { ApiKeyRefused, ApiKeyService } from './api-key.service';
import { PortalSessionService, portalScopes } from './portal-session.service';
import { adminCaller, type Caller } from './scopes';

const issued = (input: Parameters<ApiKeyService['create']>[0]): CreatedApiKeyView => ({
  id: 'key_1',
  name: input.name,
  tenant: input.tenant ?? null,
  scopes: input.scopes,
  prefix: 'gwk_abcdefgh',
  expiresAt: input.expiresAt ?? null,
  revokedAt: null,
  lastUsedAt: null,
  createdAt: new Date(0).toISOString(),
  key: 'gwk_abcdefgh_secret',
});

describe('PortalSessionService', () => {
  const now = () => Date.UTC(2026, 0, 1);
  const created: Parameters<ApiKeyService['create']>[0][] = [];
  const keys = {
    create: (input: Parameters<ApiKeyService['create']>[0]) => {
      created.push(input);
      return Promise.resolve(issued(input));
    },
  };

  it("issues a key of the tenant with the portal's scopes and expiry, in a URL fragment", async () => {
    const service = new PortalSessionService(keys, { ttlSeconds: 3600, publicUrl: undefined }, now);
    const session = await service.open('acme', { ttlSeconds: 120 }, adminCaller, 'http://api.local');
    assert.deepEqual(session, {
      url: 'http://api.local/console/portal#token=gwk_abcdefgh_secret',
      token: 'gwk_abcdefgh_secret',
      expiresAt: '2026-01-01T00:02:00.000Z',
      scopes: [...portalScopes],
    });
    assert.deepEqual(created.at(-1), {
      name: 'portal session',
      tenant: 'acme',
      scopes: [...portalScopes],
      expiresAt: '2026-01-01T00:02:00.000Z',
    });
  });

  it('uses CONSOLE_PUBLIC_URL and the default ttl', async () => {
    const service = new PortalSessionService(
      keys,
      { ttlSeconds: 3600, publicUrl: 'https://console.example' },
      now,
    );
    const session = await service.open('acme', {}, adminCaller, 'http://ignored');
    assert.ok(session && !('refused' in session));
    assert.equal(session.url, 'https://console.example/console/portal#token=gwk_abcdefgh_secret');
    assert.equal(session.expiresAt, '2026-01-01T01:00:00.000Z');
  });

  it("answers undefined (404) for another tenant's caller and for a tenant that does not exist", async () => {
    const tenantCaller: Caller = { actor: 'key_2', tenant: 'other', scopes: new Set(['tenants:admin']) };
    const service = new PortalSessionService(keys, { ttlSeconds: 3600, publicUrl: undefined }, now);
    assert.equal(await service.open('acme', {}, tenantCaller, 'http://x'), undefined);
    const missing = new PortalSessionService(
      { create: () => Promise.resolve<ApiKeyRefused>({ refused: 'tenant', detail: 'no tenant acme' }) },
      { ttlSeconds: 3600, publicUrl: undefined },
      now,
    );
    assert.equal(await missing.open('acme', {}, adminCaller, 'http://x'), undefined);
  });
});

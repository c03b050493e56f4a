import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openApiDocument } from './openapi';
import { withAccess } from './openapi-access';
import { routeAccess, routeKey } from './route-access';

const documented = (): { key: string; op: Record<string, unknown> }[] => {
  const paths = withAccess(openApiDocument()).paths as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  return Object.entries(paths)
    .filter(([path]) => path.startsWith('/v1'))
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        key: routeKey(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1')),
        op,
      })),
    );
};

describe('routeAccess', () => {
  it('declares a scope for every /v1 route of the OpenAPI document, and for no other', () => {
    const keys = documented().map((route) => route.key);
    assert.deepEqual([...keys].sort(), Object.keys(routeAccess).sort());
  });

  it('shows each route its scope in the document: x-scopes, the security requirement and a 403', () => {
    for (const { key, op } of documented()) {
      const scope = routeAccess[key]?.scope;
      const scopes = scope === null ? [] : [scope];
      assert.deepEqual(op['x-scopes'], scopes, key);
      assert.deepEqual(op.security, [{ bearerAuth: scopes }], key);
      assert.ok((op.responses as Record<string, unknown>)['403'], key);
      assert.match(
        String(op.description),
        scope === null ? /Scope: none/ : new RegExp(`Scope: \`${scope}\``),
        key,
      );
    }
  });

  it('records every change in the audit log, and no read', () => {
    for (const [key, access] of Object.entries(routeAccess)) {
      if (key.startsWith('GET ')) assert.equal(access.audit, undefined, key);
      else if (key !== 'POST /v1/events') assert.ok(access.audit, key);
    }
  });
});

import type { Scope } from '@gateway/control';

/** What a route needs, and what a change through it is recorded as in the audit log. */
export interface RouteAccess {
  /** The scope the caller's key must hold; null: any valid credential (`GET /v1/me`). */
  scope: Scope | null;
  /**
   * Whether a tenant's key may call it; if not, a tenant key gets 403 before any id is looked
   * at (creating and deleting tenants, ADR 0025).
   */
  tenantKeys: boolean;
  /** A change: its audit action and resource type. Reads have none. */
  audit?: AuditedAs;
}

/**
 * How a change is recorded: its entry commits in the change's own transaction, so neither exists
 * without the other. A bulk change (`bulk`: recover, redrive) pages through many deliveries and
 * sends each page to Kafka; held in one transaction it would lock rows the dispatcher records
 * attempts on, stalling every endpoint, so its entry is appended after it, outside (ADR 0025).
 */
export interface AuditedAs {
  action: string;
  resource: string;
  bulk?: true;
  /** The action recorded instead when the query has `param=true` (an erasure is `tenant.erase`). */
  flagged?: { param: string; action: string };
}

const read = (scope: Scope, tenantKeys = true): RouteAccess => ({ scope, tenantKeys });
/** Any valid credential, whatever its scopes: a key learns who it is. */
const signedIn: RouteAccess = { scope: null, tenantKeys: true };
const resourceOf = (action: string): string => action.slice(0, action.indexOf('.'));
const change = (scope: Scope, action: string, tenantKeys = true): RouteAccess => ({
  scope,
  tenantKeys,
  audit: { action, resource: resourceOf(action) },
});
const bulkChange = (scope: Scope, action: string): RouteAccess => ({
  scope,
  tenantKeys: true,
  audit: { action, resource: resourceOf(action), bulk: true },
});

/**
 * Every /v1 route's scope, keyed `METHOD /v1/path/:param` as Fastify names the matched route: the
 * one place authorization is declared. The auth hook enforces it, the OpenAPI document shows it
 * (`x-scopes` and the security requirement), and a unit spec checks both cover the same routes.
 */
export const routeAccess: Record<string, RouteAccess> = {
  'POST /v1/endpoints': change('endpoints:write', 'endpoint.create'),
  'GET /v1/endpoints': read('endpoints:read'),
  'GET /v1/endpoints/:id': read('endpoints:read'),
  'PATCH /v1/endpoints/:id': change('endpoints:write', 'endpoint.update'),
  'DELETE /v1/endpoints/:id': change('endpoints:write', 'endpoint.delete'),
  // Reading a signing secret is as strong as changing the endpoint.
  'GET /v1/endpoints/:id/secret': read('endpoints:write'),
  'POST /v1/endpoints/:id/secret/rotate': change('endpoints:write', 'endpoint.rotate-secret'),
  // Published events are kept in the event log; the audit log records configuration changes.
  'POST /v1/events': { scope: 'events:publish', tenantKeys: true },
  'GET /v1/events': read('events:read'),
  'GET /v1/events/:id': read('events:read'),
  'GET /v1/events/:id/deliveries': read('events:read'),
  'GET /v1/deliveries/:id/attempts': read('events:read'),
  'GET /v1/endpoints/:id/retries': read('endpoints:read'),
  'GET /v1/dead-letters': read('events:read'),
  'POST /v1/dead-letters/redrive': bulkChange('deliveries:replay', 'dead-letter.redrive'),
  'POST /v1/deliveries/:id/retry': change('deliveries:replay', 'delivery.retry'),
  'POST /v1/endpoints/:id/recover': bulkChange('deliveries:replay', 'endpoint.recover'),
  'POST /v1/events/:id/replay': change('deliveries:replay', 'event.replay'),
  'POST /v1/sources': change('sources:write', 'source.create'),
  'GET /v1/sources': read('sources:read'),
  'GET /v1/sources/:id': read('sources:read'),
  'PATCH /v1/sources/:id': change('sources:write', 'source.update'),
  'DELETE /v1/sources/:id': change('sources:write', 'source.delete'),
  'POST /v1/tenants': change('tenants:admin', 'tenant.create', false),
  'GET /v1/tenants': read('tenants:admin'),
  'GET /v1/tenants/:id': read('tenants:admin'),
  'PATCH /v1/tenants/:id': change('tenants:admin', 'tenant.update'),
  'DELETE /v1/tenants/:id': {
    ...change('tenants:admin', 'tenant.delete', false),
    audit: {
      action: 'tenant.delete',
      resource: 'tenant',
      flagged: { param: 'erase', action: 'tenant.erase' },
    },
  },
  'POST /v1/api-keys': change('tenants:admin', 'api-key.create'),
  'GET /v1/api-keys': read('tenants:admin'),
  'DELETE /v1/api-keys/:id': change('tenants:admin', 'api-key.revoke'),
  'GET /v1/audit-log': read('audit:read'),
  // The catalog is the operator's, one for every tenant: tenants read it (to publish and subscribe), never change it.
  'POST /v1/event-types': change('event-types:write', 'event-type.create', false),
  'GET /v1/event-types': read('events:read'),
  'GET /v1/event-types/asyncapi.json': read('events:read'),
  'GET /v1/event-types/:name': read('events:read'),
  'PATCH /v1/event-types/:name': change('event-types:write', 'event-type.update', false),
  'DELETE /v1/event-types/:name': change('event-types:write', 'event-type.delete', false),
  // The console's routes (ADR 0030).
  'GET /v1/me': signedIn,
  'POST /v1/tenants/:id/portal-sessions': change('tenants:admin', 'tenant.portal-session'),
  'POST /v1/endpoints/:id/test-event': change('endpoints:write', 'endpoint.test-event'),
  'GET /v1/endpoints/:id/stats': read('endpoints:read'),
  'GET /v1/sources/:id/stats': read('sources:read'),
  // Every service, topic and endpoint of the deployment: the operator's view.
  'GET /v1/health/overview': read('endpoints:read', false),
};

/** The table's key of a matched route. */
export const routeKey = (method: string, url: string): string => `${method} ${url}`;

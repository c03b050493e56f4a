import {
  apiKeyListQuery,
  apiKeyView,
  auditEntryView,
  auditLogQuery,
  createApiKeyBody,
  createdApiKeyView,
  createTenantBody,
  deleteTenantQuery,
  erasureView,
  pageOf,
  tenantListQuery,
  tenantView,
  updateTenantBody,
} from '@gateway/control';
import { answer, body, errors, idParameter, operation, problemAnswer } from './openapi';
import { componentSchemas, queryParameters } from './openapi-components';
import { consolePaths, consoleSchemas } from './openapi-console';
import { routeAccess, routeKey } from './route-access';

type Json = Record<string, unknown>;

const tenantId = [idParameter('tenant')];
const retentionTooLong = problemAnswer('retentionDays is not fewer than RETENTION_DAYS.');

/** Tenants, API keys and the audit log. */
function accessPaths(): Json {
  return {
    '/v1/tenants': {
      post: operation(
        'Create a tenant',
        {
          '201': answer('The tenant.', 'Tenant'),
          '409': problemAnswer('The id is taken (ids are never reused).'),
          '422': retentionTooLong,
        },
        { tags: ['tenants'], ...body('CreateTenant') },
      ),
      get: operation(
        'List tenants (oldest first); a tenant key sees its own only',
        { '200': answer('A page of tenants.', 'TenantPage') },
        { tags: ['tenants'], parameters: queryParameters(tenantListQuery) },
      ),
    },
    '/v1/tenants/{id}': {
      get: operation(
        'Read a tenant',
        { '200': answer('The tenant.', 'Tenant'), '404': errors.notFound },
        { tags: ['tenants'], parameters: tenantId },
      ),
      patch: operation(
        'Change the name, metadata or retention of a tenant',
        { '200': answer('The tenant.', 'Tenant'), '404': errors.notFound, '422': retentionTooLong },
        { tags: ['tenants'], parameters: tenantId, ...body('UpdateTenant') },
      ),
      delete: operation(
        'Delete a tenant: its keys are revoked, its endpoints disabled (their pending retries end); its history stays readable to the operator. With erase=true, every row of the tenant and its resources is removed from PostgreSQL (the tenant id stays, so it is not reused) and the answer names what Kafka keeps until its retention passes',
        {
          '200': answer(
            'Erased (erase=true): rows removed, and each topic with its retention.ms.',
            'Erasure',
          ),
          '204': answer('Deleted.'),
          '404': errors.notFound,
        },
        { tags: ['tenants'], parameters: [...tenantId, ...queryParameters(deleteTenantQuery)] },
      ),
    },
    '/v1/api-keys': {
      post: operation(
        'Issue an API key (returned this once; only its hash is kept)',
        { '201': answer('The key, this once.', 'CreatedApiKey') },
        { tags: ['api-keys'], ...body('CreateApiKey') },
      ),
      get: operation(
        'List API keys (newest first), without the keys',
        { '200': answer('A page of keys.', 'ApiKeyPage') },
        { tags: ['api-keys'], parameters: queryParameters(apiKeyListQuery) },
      ),
    },
    '/v1/api-keys/{id}': {
      delete: operation(
        'Revoke an API key (every api instance refuses it within milliseconds)',
        { '204': answer('Revoked.'), '404': errors.notFound },
        { tags: ['api-keys'], parameters: [idParameter('API key')] },
      ),
    },
    '/v1/audit-log': {
      get: operation(
        'List changes made through the control API (newest first); a tenant key sees its own tenant only',
        { '200': answer('A page of audit entries.', 'AuditEntryPage') },
        { tags: ['audit'], parameters: queryParameters(auditLogQuery) },
      ),
    },
  };
}

const forbidden = problemAnswer(
  'The key lacks the scope this route needs, or the route is not open to tenant keys.',
);

/** Each /v1 operation names its scope: `x-scopes`, the security requirement, and a line of its description. */
function declareScopes(paths: Json): Json {
  const out: Json = {};
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/v1')) {
      out[path] = item;
      continue;
    }
    const operations: Json = {};
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      const access = routeAccess[routeKey(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1'))];
      const scopes = access?.scope ? [access.scope] : [];
      const who = access?.tenantKeys === false ? ' Not open to tenant keys.' : '';
      const needs =
        access?.scope === null
          ? 'none (any valid credential)'
          : scopes.map((s) => `\`${s}\``).join(', ') || 'the admin token only';
      operations[method] = {
        ...op,
        description: `${(op.description as string | undefined) ?? ''}\n\nScope: ${needs}.${who}`.trim(),
        'x-scopes': scopes,
        security: [{ bearerAuth: scopes }],
        responses: { ...(op.responses as Json), '403': forbidden },
      };
    }
    out[path] = operations;
  }
  return out;
}

const tenancy =
  "Tenancy: an API key may be confined to a tenant. It then sees and changes only that tenant's endpoints, secrets, " +
  "events, deliveries and attempts; another tenant's id answers 404 exactly like a missing one. An event published " +
  "with a tenant key is that tenant's event whatever the body says; an endpoint created with one belongs to it. " +
  "Routing: an endpoint of a tenant receives only that tenant's events; an operator endpoint (no tenant) receives " +
  "every tenant's events. The admin token (ADMIN_TOKEN) holds every scope.";

/** The document with tenants, API keys, the audit log, the console's routes, and every route's scope. */
export function withAccess(document: Json): Json {
  const components = document.components as { schemas: Json; securitySchemes: Json };
  const info = document.info as Json;
  const taken = new Set(Object.keys(components.schemas));
  return {
    ...document,
    info: { ...info, description: `${info.description as string} ${tenancy}` },
    tags: [...(document.tags as Json[]), { name: 'tenants' }, { name: 'api-keys' }, { name: 'audit' }],
    paths: declareScopes({ ...(document.paths as Json), ...accessPaths(), ...consolePaths() }),
    components: {
      ...components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The ADMIN_TOKEN (every scope) or an API key (`gwk_...`, its scopes).',
        },
      },
      schemas: {
        ...components.schemas,
        ...componentSchemas(
          { CreateTenant: createTenantBody, UpdateTenant: updateTenantBody, CreateApiKey: createApiKeyBody },
          'input',
          taken,
        ),
        ...componentSchemas(
          {
            Tenant: tenantView,
            Erasure: erasureView,
            TenantPage: pageOf(tenantView),
            ApiKey: apiKeyView,
            CreatedApiKey: createdApiKeyView,
            ApiKeyPage: pageOf(apiKeyView),
            AuditEntry: auditEntryView,
            AuditEntryPage: pageOf(auditEntryView),
          },
          'output',
          taken,
        ),
        ...consoleSchemas(taken),
      },
    },
  };
}

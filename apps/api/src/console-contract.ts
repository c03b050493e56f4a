/**
 * The console's routes that the api does not serve yet (docs/adr/0029, the console contract), as
 * OpenAPI paths. `consoleDocument` adds only those the real document lacks, so once the routes
 * land (with their own operations) this fragment contributes nothing and can be deleted. The
 * console shows "not available" while a route answers 404.
 */
type Json = Record<string, unknown>;

const object = (properties: Json, required = Object.keys(properties)): Json => ({
  type: 'object',
  properties,
  required,
});
const string = { type: 'string' };
const nullableString = { type: ['string', 'null'] };
const integer = { type: 'integer' };
const ok = (schema: Json, status = '200'): Json => ({
  [status]: { description: 'OK', content: { 'application/json': { schema } } },
});
const id = { name: 'id', in: 'path', required: true, schema: string };
const window = [
  { name: 'since', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
  { name: 'bucketSeconds', in: 'query', required: false, schema: { type: 'integer' } },
];
const bodyOf = (schema: Json): Json => ({
  required: false,
  content: { 'application/json': { schema } },
});

/** `GET .../stats?since&bucketSeconds`: counts per time bucket. */
const stats = (summary: string, counts: Json): Json => ({
  get: {
    summary,
    parameters: [id, ...window],
    responses: ok(
      object({
        since: string,
        bucketSeconds: integer,
        buckets: { type: 'array', items: object({ start: string, ...counts }) },
      }),
    ),
  },
});

export const pendingConsolePaths: Json = {
  '/v1/me': {
    get: {
      summary: 'Who the caller is: admin or key, tenant, scopes, expiry and branding',
      responses: ok(
        object({
          admin: { type: 'boolean' },
          keyId: nullableString,
          tenantId: nullableString,
          scopes: { type: 'array', items: string },
          expiresAt: nullableString,
          branding: object({ name: string, logoUrl: nullableString, primaryColor: nullableString }),
        }),
      ),
    },
  },
  '/v1/tenants/{id}/portal-sessions': {
    post: {
      summary: "Open a tenant portal session: a short-lived key of the tenant's, in a URL fragment",
      parameters: [id],
      requestBody: bodyOf(object({ ttlSeconds: integer }, [])),
      responses: ok(
        object({ url: string, token: string, expiresAt: string, scopes: { type: 'array', items: string } }),
        '201',
      ),
    },
  },
  '/v1/endpoints/{id}/test-event': {
    post: {
      summary: 'Send a test event to this endpoint only',
      parameters: [id],
      requestBody: bodyOf(object({ eventType: string, data: { type: 'object' } }, [])),
      responses: ok(object({ eventId: string, deliveryId: string }), '202'),
    },
  },
  '/v1/endpoints/{id}/stats': stats(
    "An endpoint's deliveries, failures and p95 attempt latency per time bucket",
    {
      deliveries: integer,
      succeeded: integer,
      failed: integer,
      p95LatencyMs: { type: ['number', 'null'] },
    },
  ),
  '/v1/sources/{id}/stats': stats(
    "A source's verified, duplicate and refused inbound webhooks per time bucket",
    {
      verified: integer,
      duplicates: integer,
      refused: integer,
      refusedByReason: { type: 'object', additionalProperties: integer },
    },
  ),
  '/v1/health/overview': {
    get: {
      summary: "The services' readiness, consumer lag per topic and each endpoint's breaker",
      responses: ok(
        object({
          services: {
            type: 'array',
            items: object({ name: string, ready: { type: 'boolean' }, detail: nullableString }),
          },
          consumerLag: { type: 'array', items: object({ group: string, topic: string, lag: integer }) },
          breakers: {
            type: 'array',
            items: object({
              endpointId: string,
              state: { type: 'string', enum: ['closed', 'open', 'half-open'] },
              since: nullableString,
            }),
          },
        }),
      ),
    },
  },
};

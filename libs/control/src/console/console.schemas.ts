import { z } from 'zod';
import { hexColor } from './console.config';

/** A tenant's branding in its portal (`branding` on POST/PATCH /v1/tenants). */
export const brandingBody = z
  .strictObject({
    name: z.string().min(1).max(200).optional().describe('The name the portal shows.'),
    logoUrl: z
      .url({ protocol: /^https$/, error: 'expected an https:// URL' })
      .max(2000)
      .optional()
      .describe('An https URL of the logo.'),
    primaryColor: z.string().regex(hexColor, 'expected #rrggbb').optional().describe('#rrggbb.'),
  })
  .describe("How the tenant's portal looks; each absent field falls back to the console's config.");

/** `POST /v1/tenants/:id/portal-sessions`. */
export const portalSessionBody = z.strictObject({
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(86_400)
    .optional()
    .describe('How long the session lasts (default PORTAL_SESSION_TTL_SECONDS).'),
});
export type PortalSessionBody = z.infer<typeof portalSessionBody>;

export const portalSessionView = z.object({
  url: z
    .string()
    .describe('The portal, with the token in the fragment (never sent to a server): open it or embed it.'),
  token: z.string().describe('An API key of the tenant, expiring at expiresAt (shown this once).'),
  expiresAt: z.iso.datetime(),
  scopes: z.array(z.string()),
});
export type PortalSessionView = z.infer<typeof portalSessionView>;

/** `GET /v1/me`: who the credential is, and how the console shows itself to it. */
export const meView = z.object({
  admin: z.boolean().describe('True for the ADMIN_TOKEN.'),
  keyId: z.string().nullable(),
  tenantId: z.string().nullable(),
  scopes: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  branding: z.object({
    name: z.string(),
    logoUrl: z.string().nullable(),
    primaryColor: z.string().nullable(),
  }),
});
export type MeView = z.infer<typeof meView>;

/** `POST /v1/endpoints/:id/test-event`. */
export const testEventBody = z.strictObject({
  eventType: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'letters, digits, ".", "_", ":" and "-" (1 to 200)')
    .default('gateway.test')
    .describe('The type the test event carries.'),
  data: z.record(z.string(), z.unknown()).default({}).describe('The data the test event carries.'),
});
export type TestEventBody = z.infer<typeof testEventBody>;

export const testEventView = z.object({ eventId: z.string(), deliveryId: z.string() });
export type TestEventView = z.infer<typeof testEventView>;

/** `?since=&bucketSeconds=` of the stats routes. */
export const statsQuery = z.strictObject({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('The first bucket starts here (default: 24 h ago).'),
  bucketSeconds: z.coerce
    .number()
    .int()
    .min(60)
    .max(86_400)
    .default(900)
    .describe('Each bucket spans this many seconds (at most 500 buckets up to now).'),
});
export type StatsQuery = z.infer<typeof statsQuery>;

const bucketStart = z.iso.datetime().describe("The bucket's start.");

export const endpointStatsView = z.object({
  since: z.iso.datetime(),
  bucketSeconds: z.number().int(),
  buckets: z.array(
    z.object({
      start: bucketStart,
      deliveries: z.number().int().describe('Deliveries created in the bucket.'),
      succeeded: z.number().int().describe('Of those, delivered.'),
      failed: z.number().int().describe('Of those, retrying or dead.'),
      p95LatencyMs: z.number().nullable().describe('p95 duration of their attempts; null without attempts.'),
    }),
  ),
});
export type EndpointStatsView = z.infer<typeof endpointStatsView>;

export const sourceStatsView = z.object({
  since: z.iso.datetime(),
  bucketSeconds: z.number().int(),
  buckets: z.array(
    z.object({
      start: bucketStart,
      verified: z.number().int(),
      duplicates: z.number().int(),
      refused: z.number().int(),
      refusedByReason: z.record(z.string(), z.number().int()),
    }),
  ),
});
export type SourceStatsView = z.infer<typeof sourceStatsView>;

export const breakerState = z.enum(['closed', 'open', 'half-open']);

export const healthOverviewView = z.object({
  services: z.array(z.object({ name: z.string(), ready: z.boolean(), detail: z.string().nullable() })),
  consumerLag: z.array(z.object({ group: z.string(), topic: z.string(), lag: z.number().int() })),
  breakers: z
    .array(
      z.object({
        endpointId: z.string(),
        state: breakerState,
        since: z.iso.datetime().nullable().describe('When the endpoint started failing.'),
      }),
    )
    .describe("The dispatcher's failing endpoints; an endpoint not listed is closed."),
});
export type HealthOverviewView = z.infer<typeof healthOverviewView>;

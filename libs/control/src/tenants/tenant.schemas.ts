import { z } from 'zod';
import { pageQuery, timeSortKey } from '../pagination';
import { brandingBody } from '../console/console.schemas';

const name = z.string().min(1).max(200).describe('A name for operators.');
const metadata = z
  .record(z.string().max(100), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 16_384, 'at most 16 KiB as JSON')
  .describe('Free JSON for the operator (at most 16 KiB). Never put secrets here: it is shown in lists.');

const retentionDays = z
  .number()
  .int()
  .min(1)
  .describe(
    "Days the tenant's events, deliveries and attempts are kept, fewer than the gateway's RETENTION_DAYS (ADR 0028); absent or null: RETENTION_DAYS.",
  );

/** `POST /v1/tenants`. */
export const createTenantBody = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, ".", "_" and "-" only (1 to 200)')
    .describe('The tenant id: the `tenant` of its endpoints and events.'),
  name,
  metadata: metadata.default({}),
  branding: brandingBody.optional(),
  retentionDays: retentionDays.optional(),
});
export type CreateTenant = z.infer<typeof createTenantBody>;

/** `PATCH /v1/tenants/:id`. */
export const updateTenantBody = z
  .strictObject({
    name: name.optional(),
    metadata: metadata.optional(),
    branding: brandingBody.nullable().optional().describe('null: back to the config branding.'),
    retentionDays: retentionDays.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field');
export type UpdateTenant = z.infer<typeof updateTenantBody>;

export const tenantListQuery = z.strictObject({ ...pageQuery(timeSortKey) });
export type TenantListQuery = z.infer<typeof tenantListQuery>;

export const tenantView = z.object({
  id: z.string(),
  name: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  branding: brandingBody.nullable(),
  retentionDays: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TenantView = z.infer<typeof tenantView>;

/** `DELETE /v1/tenants/:id?erase=true`: erase the tenant's data (ADR 0028) instead of marking it deleted. */
export const deleteTenantQuery = z.strictObject({
  erase: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

/** What a Kafka topic keeps of an erased tenant, and for how long (`null`: the brokers' default). */
export const topicRetentionView = z.object({ topic: z.string(), retentionMs: z.number().int().nullable() });
export type TopicRetention = z.infer<typeof topicRetentionView>;

/** The answer to an erasure: the rows removed per table, and what stays in Kafka until its retention passes. */
export const erasureView = z.object({
  tenant: z.string(),
  erased: z.object({
    endpoints: z.number().int(),
    sources: z.number().int(),
    events: z.number().int(),
    deliveries: z.number().int(),
    apiKeys: z.number().int(),
  }),
  kafka: z.array(topicRetentionView),
});
export type ErasureView = z.infer<typeof erasureView>;

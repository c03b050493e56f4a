import { z } from 'zod';

/** A `tenants` row: a customer of the operator whose endpoints, sources and events are kept apart. */
export const tenantRecord = z.object({
  id: z.string(),
  name: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  /** How the console shows the tenant's portal (ADR 0030); null: the config's branding. */
  branding: z
    .object({
      name: z.string().optional(),
      logoUrl: z.string().optional(),
      primaryColor: z.string().optional(),
    })
    .nullable(),
  /** Days its events, deliveries and attempts are kept, shorter than RETENTION_DAYS; null: RETENTION_DAYS (ADR 0028). */
  retentionDays: z.number().int().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** Set when the operator deleted the tenant; its history stays readable to the operator. */
  deletedAt: z.date().nullable(),
});
export type TenantRecord = z.infer<typeof tenantRecord>;

/** The fields an operator sets. */
export type TenantFields = Pick<TenantRecord, 'name' | 'metadata' | 'retentionDays'> &
  Partial<Pick<TenantRecord, 'branding'>>;

import { z } from 'zod';
import { pageQuery, timeSortKey } from '../pagination';

const text = z.string().min(1).max(300);

/** `GET /v1/audit-log`: newest first, with filters. */
export const auditLogQuery = z.strictObject({
  actor: text.optional().describe('Only changes by this key id (or `admin`).'),
  resourceType: text.optional().describe('Only changes of this resource type, e.g. `endpoint`.'),
  resourceId: text.optional().describe('Only changes of this resource.'),
  tenant: text.optional().describe('Only changes of this tenant (a tenant key always sees its own only).'),
  since: z.iso.datetime({ offset: true }).optional().describe('Only changes at or after this time.'),
  until: z.iso.datetime({ offset: true }).optional().describe('Only changes before this time.'),
  ...pageQuery(timeSortKey),
});
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

export const auditEntryView = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.string().describe('The API key id, or `admin` for the configured admin token.'),
  action: z.string().describe('e.g. `endpoint.create`, `api-key.revoke`, `event.replay`.'),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  tenant: z.string().nullable(),
  summary: z
    .record(z.string(), z.unknown())
    .describe('The route and the names of the fields sent; never their values.'),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

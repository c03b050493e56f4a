import { z } from 'zod';

/** An `audit_log` row: one change made through the control API, without any secret value. */
export const auditEntryRecord = z.object({
  id: z.string().describe('A bigserial, as text.'),
  at: z.date(),
  /** The API key's id, or `admin` for the configured admin token. */
  actor: z.string(),
  /** What was done, e.g. `endpoint.create`, `api-key.revoke`. */
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  tenant: z.string().nullable(),
  /** The request's shape: which fields were sent (names only, never values) and the answer's status. */
  summary: z.record(z.string(), z.unknown()),
});
export type AuditEntryRecord = z.infer<typeof auditEntryRecord>;

export type NewAuditEntry = Omit<AuditEntryRecord, 'id' | 'at'>;

import { z } from 'zod';

/** A `sources` row: the one declaration of its shape (the API's view and the ingress's copy derive from it). */
export const sourceRecord = z.object({
  id: z.string().describe('"src_" + random.'),
  name: z.string(),
  provider: z.string(),
  /** Verifying keys, secret: they stay in the ingress's memory and never leave the API. */
  secrets: z.array(z.string()),
  toleranceSeconds: z.number(),
  maxBodyBytes: z.number(),
  dedupWindowSeconds: z.number(),
  forward: z.object({ eventTypeFrom: z.string() }).nullable(),
  rateLimit: z.object({ perSecond: z.number(), burst: z.number().optional() }).nullable(),
  options: z.record(z.string(), z.unknown()).nullable(),
  /** The tenant whose key created it; null for the operator's. */
  tenant: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type SourceRecord = z.infer<typeof sourceRecord>;

/** The fields an operator sets; `null` clears an optional one. */
export type SourceFields = Omit<SourceRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** A source as the ingress verifies its requests: secrets included, no operator's text. */
export type IngressSourceRow = Omit<SourceFields, 'name' | 'forward' | 'tenant'> &
  Pick<SourceRecord, 'id'> & {
    /** Why a stored secret of this source does not open (its secrets are then empty); null when readable. */
    unreadable: string | null;
  };

/** A source's forwarding rule (null: not forwarded); no secrets. */
export type ForwardRuleRow = Pick<SourceRecord, 'id' | 'forward' | 'tenant'>;

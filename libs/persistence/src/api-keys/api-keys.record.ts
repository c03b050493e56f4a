import { z } from 'zod';

/** An `api_keys` row. The key itself is never stored: only its SHA-256 `hash` and its visible `prefix`. */
export const apiKeyRecord = z.object({
  id: z.string(),
  name: z.string(),
  /** The tenant the key is confined to; null for an operator key. */
  tenant: z.string().nullable(),
  scopes: z.array(z.string()),
  /** `gwk_<8 chars>`: shown in lists and found again from a presented key. */
  prefix: z.string(),
  hash: z.instanceof(Buffer),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecord>;

export type NewApiKey = Pick<ApiKeyRecord, 'name' | 'tenant' | 'scopes' | 'prefix' | 'hash' | 'expiresAt'>;

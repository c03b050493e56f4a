import { z } from 'zod';
import { pageQuery, timeSortKey } from '../pagination';
import { scope } from './scopes';

/** `POST /v1/api-keys`. */
export const createApiKeyBody = z.strictObject({
  name: z.string().min(1).max(200).describe('What the key is for.'),
  tenant: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Confine the key to this tenant (it sees and changes only its resources); absent = an operator key.',
    ),
  scopes: z.array(scope).min(1).max(20).describe('What the key may do; each route names the scope it needs.'),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the key stops working; absent = until revoked.'),
});
export type CreateApiKey = z.infer<typeof createApiKeyBody>;

export const apiKeyListQuery = z.strictObject({ ...pageQuery(timeSortKey) });
export type ApiKeyListQuery = z.infer<typeof apiKeyListQuery>;

/** A key as listed: never the key itself, only its prefix. */
export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  tenant: z.string().nullable(),
  scopes: z.array(z.string()),
  prefix: z.string().describe('The first characters of the key (`gwk_` and 8 more), to recognise it.'),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable().describe('Written in batches: up to about 10 s behind.'),
  createdAt: z.iso.datetime(),
});
export type ApiKeyView = z.infer<typeof apiKeyView>;

export const createdApiKeyView = apiKeyView.extend({
  key: z.string().describe('The key: shown this once, and only its hash is kept.'),
});
export type CreatedApiKeyView = z.infer<typeof createdApiKeyView>;

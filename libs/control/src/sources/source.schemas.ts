import { z } from 'zod';
import { eventTypeFromSchema, MAX_BODY_BYTES_LIMIT, sourceDefaults } from '@gateway/ingress';
import { sourceRecord } from '@gateway/persistence';
import { numberBeyondDoubleRange } from '@gateway/schemas';
import { providerKeys, providerKeySchema } from '@gateway/signing';
import { pageQuery, timeSortKey } from '../pagination';

const name = z.string().min(1).max(200).describe('A name for operators.');
const provider = providerKeySchema.describe(
  `The signing scheme: ${providerKeys.slice(0, -1).join(', ')} or ${providerKeys.at(-1)}.`,
);
const secret = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x20-\x7e\r\n]+$/, 'printable ASCII (and line breaks, for PEM keys) only');
const secrets = z
  .array(secret)
  .min(1)
  .max(10)
  .describe(
    'Signing secrets; any of them verifies, so a rotation lists the new and the old one for a while. Discord: the hex public key; SendGrid: the base64 DER (or PEM) public key.',
  );
const toleranceSeconds = z
  .number()
  .int()
  .min(1)
  .max(86_400)
  .describe('How far a signed timestamp may be from now (seconds), for schemes that sign one.');
const maxBodyBytes = z
  .number()
  .int()
  .min(1024)
  .max(MAX_BODY_BYTES_LIMIT)
  .describe(
    `Largest body accepted (bytes); larger ones get 413 before they are buffered. At most ${MAX_BODY_BYTES_LIMIT} (Kafka's default record size).`,
  );
const dedupWindowSeconds = z
  .number()
  .int()
  .min(0)
  .max(30 * 86_400)
  .describe("How long a provider's event id is remembered to drop duplicates (0: no dedup).");
const forward = z
  .strictObject({ eventTypeFrom: eventTypeFromSchema })
  .describe(
    'Also publish each verified webhook to webhooks.events (so endpoints can subscribe) under this type.',
  );
const rateLimit = z
  .strictObject({
    perSecond: z
      .number()
      .positive()
      .max(100_000)
      .describe('Sustained requests per second (per ingress process).'),
    burst: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe("Requests at once after a quiet spell; default one second's worth."),
  })
  .describe(
    'Beyond it the ingress answers 429 with Retry-After. Verified requests spend it; requests whose signature fails spend a budget of their own of the same size.',
  );
const options = z
  .record(z.string(), z.unknown())
  // Stored as jsonb, which cannot hold such a literal (1e1001).
  .refine(
    (value) => numberBeyondDoubleRange(value) === undefined,
    "numbers must be within a double's range (about 1e-308 to 1e308)",
  )
  .describe(
    'generic-hmac only: { header, algorithm?, encoding?, prefix?, signed?, timestampHeader?, eventIdHeader?, eventTypeHeader? }.',
  );

/** `POST /v1/sources`. */
export const createSourceBody = z.strictObject({
  name,
  provider,
  secrets,
  toleranceSeconds: toleranceSeconds.default(sourceDefaults.toleranceSeconds),
  maxBodyBytes: maxBodyBytes.default(sourceDefaults.maxBodyBytes),
  dedupWindowSeconds: dedupWindowSeconds.default(sourceDefaults.dedupWindowSeconds),
  forward: forward.optional(),
  rateLimit: rateLimit.optional(),
  options: options.optional(),
});
export type CreateSource = z.infer<typeof createSourceBody>;

/** `PATCH /v1/sources/:id`: every field optional; `null` clears forward, rateLimit or options. */
export const updateSourceBody = z.strictObject({
  name: name.optional(),
  provider: provider.optional(),
  secrets: secrets.optional(),
  toleranceSeconds: toleranceSeconds.optional(),
  maxBodyBytes: maxBodyBytes.optional(),
  dedupWindowSeconds: dedupWindowSeconds.optional(),
  forward: forward.nullable().optional(),
  rateLimit: rateLimit.nullable().optional(),
  options: options.nullable().optional(),
});
export type UpdateSource = z.infer<typeof updateSourceBody>;

/** `GET /v1/sources`. */
export const sourceListQuery = z.object({
  ...pageQuery(timeSortKey),
  provider: provider.optional(),
});
export type SourceListQuery = z.infer<typeof sourceListQuery>;

/** A source as the API answers it (its stored record): the secrets themselves are never returned. */
export const sourceView = sourceRecord.omit({ secrets: true }).extend({
  secretFingerprints: z
    .array(z.string())
    .describe(
      'Per secret, in order: the first 12 hex digits of its SHA-256, to tell which secrets are set without revealing them.',
    ),
  ingressUrl: z.string().describe('Where the provider sends its webhooks: <PUBLIC_BASE_URL>/in/<id>.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type SourceView = z.infer<typeof sourceView>;

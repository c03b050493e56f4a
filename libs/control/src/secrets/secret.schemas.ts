import { z } from 'zod';
import { endpointSecretRecord } from '@gateway/persistence';
import { signingSecret } from './signing-secret';

const week = 7 * 86_400;

/** `POST /v1/endpoints/:id/secret/rotate`. */
export const rotateSecretBody = z.strictObject({
  key: signingSecret.optional(),
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(week)
    .default(86_400)
    .describe('How long the previous secrets keep signing next to the new one (0 to 7 days).'),
});
export type RotateSecret = z.infer<typeof rotateSecretBody>;

/** An endpoint's newest secret (the `key` of its stored record). */
export const secretView = z.object({
  key: endpointSecretRecord.shape.key.describe('The newest signing secret.'),
});
export type SecretView = z.infer<typeof secretView>;

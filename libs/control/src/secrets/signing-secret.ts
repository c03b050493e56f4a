import { z } from 'zod';

const base64Bytes = (value: string, prefix: string): number =>
  Buffer.from(value.slice(prefix.length), 'base64').length;

/**
 * A Standard Webhooks signing key: a symmetric `whsec_` secret (v1 signatures) or an Ed25519
 * `whsk_` private key (v1a signatures, which receivers verify with the `whpk_` public key).
 */
export const signingSecret = z
  .string()
  .regex(/^(whsec|whsk)_[A-Za-z0-9+/]+={0,2}$/, {
    error: 'expected "whsec_" or "whsk_" followed by base64',
    abort: true,
  })
  .refine(
    (value) =>
      value.startsWith('whsk_')
        ? base64Bytes(value, 'whsk_') === 32
        : base64Bytes(value, 'whsec_') >= 24 && base64Bytes(value, 'whsec_') <= 64,
    'a whsec_ key must decode to 24 to 64 bytes, a whsk_ key to the 32-byte Ed25519 seed',
  )
  .describe(
    'Signing secret: "whsec_" + base64 of 24 to 64 bytes (HMAC, v1), or "whsk_" + base64 of a 32-byte Ed25519 seed (v1a; receivers verify with its whpk_ public key); generated (whsec_) when absent.',
  );

import { z } from 'zod';

/** A Standard Webhooks symmetric secret: `whsec_` + base64 of 24 to 64 random bytes. */
export const signingSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { error: 'expected "whsec_" followed by base64', abort: true })
  .refine((value) => {
    const bytes = Buffer.from(value.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'the key must decode to 24 to 64 bytes')
  .describe('Signing secret, "whsec_" + base64 of 24 to 64 bytes; generated when absent.');

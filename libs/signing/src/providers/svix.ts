import { header, verifier } from '../inbound';
import { standardWebhooks } from './standard-webhooks';

/**
 * Svix is Standard Webhooks under `svix-*` header names (or `webhook-*` when white-labelled).
 * The three headers are taken from one family, never mixed.
 */
export const svix = verifier({ signed: true }, (request, settings) => {
  const family = header(request, 'svix-id') || header(request, 'svix-signature') ? 'svix' : 'webhook';
  const headers: Record<string, string> = {};
  for (const name of ['id', 'timestamp', 'signature']) {
    const value = request.headers[`${family}-${name}`];
    if (value !== undefined) headers[`webhook-${name}`] = value;
  }
  return standardWebhooks.verify({ ...request, headers }, settings);
});

import { createHash } from 'node:crypto';
import { isFormEncoded } from '@gateway/signing';

const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

/**
 * Mailgun's signed `token` (JSON `signature.token`, or the form field), read as the verifier read
 * the body: by the same content-type rule, so a body verified as JSON is never read as a form here.
 */
function mailgunToken(rawBody: Buffer, contentType: string | null): string | null {
  const text = rawBody.toString('utf8');
  if (isFormEncoded(contentType)) {
    return new URLSearchParams(text).get('token');
  }
  try {
    const token = (JSON.parse(text) as { signature?: { token?: unknown } } | null)?.signature?.token;
    return typeof token === 'string' ? token : null;
  } catch {
    return null;
  }
}

const keyFromId = (id: string, kind: string): string =>
  // Ids are short in practice; a long one is hashed so the key fits a btree index.
  id.length <= 200 ? `${kind}:${id}` : `${kind}sha256:${sha256(id).toString('hex')}`;

/**
 * What makes two requests of a source the same event: the provider's event or delivery id
 * (`webhook-id`, Stripe's event id, `X-GitHub-Delivery`…), or, for providers that send none (Zoom,
 * SendGrid, some Twilio callbacks), the SHA-256 of the exact body: a byte-identical body is a
 * retry. Mailgun's signature does not cover `event-data` (where its id lives), so its key is the
 * signed token: a replayed token with other event data is then a duplicate, not a new event.
 */
export function dedupKeyOf(
  provider: string,
  providerEventId: string | null,
  rawBody: Buffer,
  contentType: string | null,
): string {
  if (provider === 'mailgun') {
    const token = mailgunToken(rawBody, contentType);
    if (token) return keyFromId(token, 'token');
  }
  if (providerEventId === null) return `body:${sha256(rawBody).toString('hex')}`;
  return keyFromId(providerEventId, 'id');
}

/**
 * Providers whose event id travels in a header their signature does not cover: GitHub's
 * `X-GitHub-Delivery`, Shopify's `X-Shopify-Webhook-Id`, Twilio's `I-Twilio-Idempotency-Token`,
 * Linear's `Linear-Delivery`, GitLab's `Idempotency-Key`, a generic source's id header.
 */
const unsignedIdProviders = new Set(['github', 'shopify', 'twilio', 'linear', 'gitlab', 'generic-hmac']);

/**
 * Every key under which a request counts as a copy of an earlier one; the first names the event
 * (its inbound id). Where the provider's id is not signed, a captured request sent again with a
 * fresh id would pass as new, so the signed body is a second key: a byte-identical body within the
 * window is a duplicate whatever id it carries. (Two different events with byte-identical bodies
 * would count as one; these providers' payloads carry their own ids and times.)
 */
export function dedupKeysOf(
  provider: string,
  providerEventId: string | null,
  rawBody: Buffer,
  contentType: string | null,
): string[] {
  const key = dedupKeyOf(provider, providerEventId, rawBody, contentType);
  if (providerEventId === null || !unsignedIdProviders.has(provider)) return [key];
  return [key, `body:${sha256(rawBody).toString('hex')}`];
}

/**
 * The inbound webhook's id: the same for every copy of one event, so a consumer (and the router's
 * forwarding, whose event id it becomes) can deduplicate even the rare copy published twice.
 */
export function inboundIdFor(sourceId: string, dedupKey: string): string {
  return `in_${sha256(`${sourceId}\n${dedupKey}`).toString('base64url').slice(0, 22)}`;
}

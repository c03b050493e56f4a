import { createHash } from 'node:crypto';
import { eventIdSourceOf } from '@gateway/signing';

const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

const keyFromId = (id: string, kind: string): string =>
  // Ids are short in practice; a long one is hashed so the key fits a btree index.
  id.length <= 200 ? `${kind}:${id}` : `${kind}sha256:${sha256(id).toString('hex')}`;

/**
 * What makes two requests of a source the same event, as its provider's verifier declares
 * (`eventIdSourceOf`): the provider's event or delivery id (`webhook-id`, Stripe's event id,
 * `X-GitHub-Delivery`…), or, for providers that send none (Zoom, SendGrid, some Twilio callbacks),
 * the SHA-256 of the exact body: a byte-identical body is a retry. Where a signed token stands for
 * an id the signature does not cover (Mailgun's `event-data`), the token is the key: a replayed
 * token with other event data is then a duplicate, not a new event.
 */
export function dedupKeyOf(
  provider: string,
  providerEventId: string | null,
  rawBody: Buffer,
  contentType: string | null,
): string {
  const source = eventIdSourceOf(provider);
  if (source && 'token' in source) {
    const token = source.token(rawBody, contentType);
    if (token) return keyFromId(token, 'token');
  }
  if (providerEventId === null) return `body:${sha256(rawBody).toString('hex')}`;
  return keyFromId(providerEventId, 'id');
}

/** Whether the provider's id travels in a header its signature does not cover (GitHub, Shopify, Twilio…). */
const idIsUnsigned = (provider: string): boolean => {
  const source = eventIdSourceOf(provider);
  return source !== null && source !== undefined && 'headers' in source;
};

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
  if (providerEventId === null || !idIsUnsigned(provider)) return [key];
  return [key, `body:${sha256(rawBody).toString('hex')}`];
}

/**
 * The inbound webhook's id: the same for every copy of one event, so a consumer (and the router's
 * forwarding, whose event id it becomes) can deduplicate even the rare copy published twice.
 */
export function inboundIdFor(sourceId: string, dedupKey: string): string {
  return `in_${sha256(`${sourceId}\n${dedupKey}`).toString('base64url').slice(0, 22)}`;
}

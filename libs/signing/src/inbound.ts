/** Why an inbound webhook was refused; also the metric label for refusals. */
export type RejectionReason =
  | 'missing-header'
  | 'malformed-header'
  | 'bad-signature'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'unsupported-media-type';

/** `detail` is for logs and operators: it never holds a secret or a computed signature. */
export interface Rejection<R extends RejectionReason = RejectionReason> {
  ok: false;
  reason: R;
  detail: string;
}

/** The reply a provider expects when it probes the endpoint (Slack, Zoom, Discord). */
export interface Handshake {
  status: number;
  contentType: string;
  body: string;
}

export interface Acceptance {
  ok: true;
  eventId: string | null;
  eventType: string | null;
  handshake?: Handshake;
}

export type InboundResult = Acceptance | Rejection;

export interface InboundRequest {
  method: string;
  /** The full public URL the provider called (Twilio and Square sign it). */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** Unix seconds. */
  now: number;
}

export interface InboundSettings {
  /**
   * Any of them may verify, so a rotation keeps the old and the new one for a while.
   * For Discord (hex Ed25519) and SendGrid (base64 DER SPKI) these are the public keys.
   */
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Provider-specific; only generic-hmac reads them. */
  options?: Record<string, unknown>;
}

export type Verify = (request: InboundRequest, settings: InboundSettings) => InboundResult;

/**
 * Where a provider's event id (`Acceptance.eventId`) comes from, as deduplication needs to know
 * (`dedupKeysOf` in @gateway/ingress):
 * - `signed: true`: what the signature covers (the body, or a signed header): the id alone names
 *   the event.
 * - `headers`: headers the signature does not cover ('options': the one a source's options name).
 *   A captured request sent again with a fresh id would pass as new, so the body is a second key.
 * - `token`: a part of the body the signature does not cover; `token` reads the signed value,
 *   unique to each delivery, that names the event instead.
 * - `null`: the provider sends no id; a byte-identical body is a retry.
 */
export type EventIdSource =
  | { signed: true }
  | { signed: false; headers: readonly string[] | 'options' }
  | { signed: false; token: (rawBody: Buffer, contentType: string | null) => string | null }
  | null;

/** A provider's verifier, and what it declares of the event ids it accepts. */
export interface ProviderVerifier {
  verify: Verify;
  eventId: EventIdSource;
}

export const verifier = (eventId: EventIdSource, verify: Verify): ProviderVerifier => ({ verify, eventId });

export const reject = <R extends RejectionReason>(reason: R, detail: string): Rejection<R> => ({
  ok: false,
  reason,
  detail,
});

export const accept = (
  eventId: string | null,
  eventType: string | null,
  handshake?: Handshake,
): Acceptance => (handshake ? { ok: true, eventId, eventType, handshake } : { ok: true, eventId, eventType });

/** The value of a header, or null when absent or empty (lower-cased name; own keys only). */
export const header = (request: { headers: Record<string, string> }, name: string): string | null =>
  (Object.hasOwn(request.headers, name) && request.headers[name]) || null;

/** The answer to anyone on the Internet: it does not tell how many secrets the source has (a rotation). */
export const noMatch = (): Rejection<'bad-signature'> =>
  reject('bad-signature', "no signature matched the source's secrets");

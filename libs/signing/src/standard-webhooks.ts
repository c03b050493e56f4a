import { randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64, equalBytes, hmac } from './digest';
import { newEd25519KeyPair, rawPublicKey } from './ed25519-keys';
import { header, noMatch, reject, type Rejection, type RejectionReason } from './inbound';
import { SigningConfigError } from './signing-error';
import {
  parseStandardWebhooksKey,
  standardWebhooksKey,
  PRIVATE_PREFIX,
  PUBLIC_PREFIX,
  SYMMETRIC_PREFIX,
  type StandardWebhooksKey,
} from './standard-webhooks-keys';
import { checkTimestamp, parseUnixSeconds } from './timestamp';

/** A new symmetric secret: `whsec_` + base64 of 24 random bytes (the spec's minimum). */
export const generateSecret = (): string => SYMMETRIC_PREFIX + randomBytes(24).toString('base64');

/** A new asymmetric pair: `whsk_` + base64 of the 32-byte seed, `whpk_` + base64 of the raw public key. */
export function generateEd25519KeyPair(): { secretKey: string; publicKey: string } {
  const pair = newEd25519KeyPair();
  return {
    secretKey: PRIVATE_PREFIX + pair.seed.toString('base64'),
    publicKey: PUBLIC_PREFIX + pair.publicKey.toString('base64'),
  };
}

export interface SignPayloadInput {
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact body that will be sent. */
  payload: string | Uint8Array;
  /** `whsec_` keys give `v1` entries, `whsk_` keys give `v1a` entries, in this order. */
  secrets: readonly string[];
}

/** What is signed: `id.timestamp.payload`, kept in two parts (HMAC takes them one after the other). */
interface SignedContent {
  prefix: string;
  payload: string | Uint8Array;
}

const signedContent = (
  id: string,
  timestamp: number | string,
  payload: string | Uint8Array,
): SignedContent => ({
  prefix: `${id}.${timestamp}.`,
  payload,
});

const hmacOf = (key: KeyObject, content: SignedContent): Buffer =>
  hmac('sha256', key, content.prefix, content.payload);

/** Ed25519 signs one message: the parts joined. */
const joined = (content: SignedContent): Buffer =>
  Buffer.concat([
    Buffer.from(content.prefix),
    typeof content.payload === 'string' ? Buffer.from(content.payload) : content.payload,
  ]);

/** The `webhook-signature` header value: one space-separated entry per secret. */
export function signPayload({ id, timestamp, payload, secrets }: SignPayloadInput): string {
  // A "." in the id would let one signed content pass for another (the spec's warning).
  if (id.length === 0 || id.includes('.')) {
    throw new RangeError('message id must be non-empty and contain no "."');
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError('timestamp must be unix seconds');
  }
  if (secrets.length === 0) throw new SigningConfigError('no signing secret configured');
  const content = signedContent(id, timestamp, payload);
  return secrets
    .map((secret, position) => {
      const key = standardWebhooksKey(secret, position);
      switch (key.kind) {
        case 'symmetric':
          return `v1,${hmacOf(key.key, content).toString('base64')}`;
        case 'ed25519-private':
          return `v1a,${sign(null, joined(content), key.key).toString('base64')}`;
        case 'ed25519-public':
          throw new SigningConfigError(`secret #${position + 1} is a public key (whpk_); it cannot sign`);
      }
    })
    .join(' ');
}

export interface VerifyPayloadInput {
  /** Lower-cased names: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
  headers: Record<string, string>;
  payload: string | Uint8Array;
  /** `whsec_` (v1), `whpk_` or `whsk_` (v1a); any of them may match. */
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Unix seconds. */
  now: number;
}

export type VerifyPayloadResult =
  { ok: true; id: string; timestamp: number } | Rejection<Exclude<RejectionReason, 'unsupported-media-type'>>;

const ED25519_SIGNATURE_LENGTH = 64;

/**
 * Distinct `webhook-signature` entries checked at most. A sender lists one per active secret (a
 * few during a rotation); each `v1a` entry costs an ed25519 verification over the whole body per
 * key, so an unbounded list would let anyone who knows the URL spend CPU at will.
 */
const MAX_SIGNATURE_ENTRIES = 16;

function matches(
  keys: readonly StandardWebhooksKey[],
  entries: readonly string[][],
  content: SignedContent,
): boolean {
  // Each HMAC is computed once, however many v1 entries the header lists.
  const digests = keys.flatMap((key) => (key.kind === 'symmetric' ? [hmacOf(key.key, content)] : []));
  const publicKeys = keys.flatMap((key) => (key.kind === 'symmetric' ? [] : [key.publicKey]));
  let message: Buffer | undefined;
  return entries.some(([version, value]) => {
    const signature = decodeBase64(value);
    if (!signature) return false;
    if (version === 'v1') return digests.some((digest) => equalBytes(digest, signature));
    if (version === 'v1a' && signature.length === ED25519_SIGNATURE_LENGTH) {
      message ??= joined(content);
      const signed = message;
      return publicKeys.some((publicKey) => verify(null, signed, publicKey, signature));
    }
    return false; // unknown versions are skipped, never downgraded to
  });
}

/**
 * Checks a Standard Webhooks request. The signature is checked before the timestamp, so a
 * stale or future verdict is only ever given to a request that really came from the sender.
 */
export function verifyPayload(input: VerifyPayloadInput): VerifyPayloadResult {
  const id = header(input, 'webhook-id');
  const timestampValue = header(input, 'webhook-timestamp');
  const signatures = header(input, 'webhook-signature');
  const missing = [
    ['webhook-id', id],
    ['webhook-timestamp', timestampValue],
    ['webhook-signature', signatures],
  ].flatMap(([name, value]) => (value === null ? [name] : []));
  if (!id || !timestampValue || !signatures) return reject('missing-header', `missing ${missing.join(', ')}`);
  const timestamp = parseUnixSeconds(timestampValue);
  if (timestamp === null) return reject('malformed-header', 'webhook-timestamp is not unix seconds');
  const entries = [...new Set(signatures.split(' ').filter((entry) => entry.includes(',')))].map((entry) => [
    entry.slice(0, entry.indexOf(',')),
    entry.slice(entry.indexOf(',') + 1),
  ]);
  if (entries.length === 0) {
    return reject('malformed-header', 'webhook-signature has no "version,signature" entry');
  }
  if (entries.length > MAX_SIGNATURE_ENTRIES) {
    return reject(
      'malformed-header',
      `webhook-signature lists more than ${MAX_SIGNATURE_ENTRIES} distinct entries`,
    );
  }
  const keys = input.secrets.map((secret, position) => standardWebhooksKey(secret, position));
  if (!matches(keys, entries, signedContent(id, timestampValue, input.payload))) {
    return noMatch();
  }
  return checkTimestamp(timestamp, input.now, input.toleranceSeconds) ?? { ok: true, id, timestamp };
}

/** The public half of a `whsk_` secret key, as `whpk_` (to hand to receivers). */
export function publicKeyOf(secretKey: string): string {
  const key = parseStandardWebhooksKey(secretKey, 0);
  if (key.kind !== 'ed25519-private') throw new SigningConfigError('secret #1 is not a whsk_ secret key');
  return PUBLIC_PREFIX + rawPublicKey(key.publicKey).toString('base64');
}

import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { decodeBase64 } from './digest';
import { ed25519PrivateKeyFromBytes, ed25519PublicKeyFromBytes } from './ed25519-keys';
import { SigningConfigError } from './signing-error';

/**
 * Standard Webhooks key serialisation:
 * - `whsec_<base64>`: symmetric HMAC-SHA256 key (the prefix is optional, as in the reference library);
 * - `whsk_<base64 of the 32-byte Ed25519 seed>`: signing key (PKCS8 and libsodium's 64 bytes also read);
 * - `whpk_<base64 of the 32 raw Ed25519 public-key bytes>`: verifying key (SPKI also read).
 */
export type StandardWebhooksKey =
  | { kind: 'symmetric'; key: KeyObject }
  | { kind: 'ed25519-private'; key: KeyObject; publicKey: KeyObject }
  | { kind: 'ed25519-public'; publicKey: KeyObject };

export const SYMMETRIC_PREFIX = 'whsec_';
export const PRIVATE_PREFIX = 'whsk_';
export const PUBLIC_PREFIX = 'whpk_';

function decode(body: string, label: string): Buffer {
  const bytes = decodeBase64(body);
  if (!bytes) throw new SigningConfigError(`${label} is not valid base64 after its prefix`);
  return bytes;
}

/** `position` only labels errors, so that a message never carries the secret. */
export function parseStandardWebhooksKey(secret: string, position: number): StandardWebhooksKey {
  const label = `secret #${position + 1}`;
  if (secret.startsWith(PRIVATE_PREFIX)) {
    const key = ed25519PrivateKeyFromBytes(decode(secret.slice(PRIVATE_PREFIX.length), label), label);
    return { kind: 'ed25519-private', key, publicKey: createPublicKey(key) };
  }
  if (secret.startsWith(PUBLIC_PREFIX)) {
    return {
      kind: 'ed25519-public',
      publicKey: ed25519PublicKeyFromBytes(decode(secret.slice(PUBLIC_PREFIX.length), label), label),
    };
  }
  const body = secret.startsWith(SYMMETRIC_PREFIX) ? secret.slice(SYMMETRIC_PREFIX.length) : secret;
  // A KeyObject, made once: HMAC with raw key bytes builds one per call (about 5x the cost of the
  // HMAC itself for a 1 KB payload on Node 24).
  return { kind: 'symmetric', key: createSecretKey(decode(body, label)) };
}

/** Parsed keys by secret: parsing (base64, and the public half of an Ed25519 key) is not repeated per message. */
const parsedKeys = new Map<string, StandardWebhooksKey>();
const PARSED_KEYS_MAX = 10_000;

/** `parseStandardWebhooksKey`, remembered for up to 10,000 secrets (then forgotten all at once). */
export function standardWebhooksKey(secret: string, position: number): StandardWebhooksKey {
  let key = parsedKeys.get(secret);
  if (!key) {
    key = parseStandardWebhooksKey(secret, position);
    if (parsedKeys.size >= PARSED_KEYS_MAX) parsedKeys.clear();
    parsedKeys.set(secret, key);
  }
  return key;
}

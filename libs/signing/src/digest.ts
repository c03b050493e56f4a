import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
type Bytes = string | Uint8Array;

/** Secret keys made from string secrets, for at most 10,000 secrets (then forgotten all at once). */
const stringKeys = new Map<string, KeyObject>();
const STRING_KEYS_MAX = 10_000;

/**
 * A string secret as a KeyObject, made once: HMAC with raw key material builds one per call,
 * which costs several times the HMAC of a 1 KB body (Node 24).
 */
function secretKeyOf(key: string): KeyObject {
  let made = stringKeys.get(key);
  if (!made) {
    made = createSecretKey(key, 'utf8');
    if (stringKeys.size >= STRING_KEYS_MAX) stringKeys.clear();
    stringKeys.set(key, made);
  }
  return made;
}

/** HMAC over the concatenation of `parts`; string keys and parts are used as UTF-8. */
export function hmac(algorithm: HmacAlgorithm, key: Bytes | KeyObject, ...parts: Bytes[]): Buffer {
  const mac = createHmac(algorithm, typeof key === 'string' ? secretKeyOf(key) : key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export const sha256 = (data: Bytes): Buffer => createHash('sha256').update(data).digest();

/** Constant-time equality; the length check first because timingSafeEqual throws on a mismatch. */
export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && timingSafeEqual(a, b);

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict decoders: Buffer.from silently skips bad characters, which would blur malformed input. */
export const decodeHex = (value: string): Buffer | null =>
  HEX.test(value) ? Buffer.from(value, 'hex') : null;

export const decodeBase64 = (value: string): Buffer | null =>
  value.length > 0 && BASE64.test(value) ? Buffer.from(value, 'base64') : null;

export type DigestEncoding = 'hex' | 'base64';

export const decodeDigest = (value: string, encoding: DigestEncoding): Buffer | null =>
  encoding === 'hex' ? decodeHex(value) : decodeBase64(value);

/**
 * The first secret whose expected digest equals one of the received ones, or undefined.
 * `expected` is computed once per secret; every comparison is constant-time.
 */
export function findSecret(
  secrets: readonly string[],
  received: readonly Buffer[],
  expected: (secret: string) => Buffer,
): string | undefined {
  for (const secret of secrets) {
    const digest = expected(secret);
    if (received.some((candidate) => equalBytes(candidate, digest))) return secret;
  }
  return undefined;
}

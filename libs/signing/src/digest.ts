import { createHash, createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
type Bytes = string | Uint8Array;

/** Keys remembered as KeyObjects; beyond this many the oldest is dropped. */
const KEY_OBJECTS_KEPT = 4096;
const keyObjects = new Map<string, KeyObject>();

/**
 * The key as a KeyObject, made once per key. Node takes a KeyObject as it is, but checks a raw key
 * through a slow path on every `createHmac`: about twice the cost of the HMAC of a 1 KB body
 * itself, paid by every request the ingress verifies and every attempt the dispatcher signs.
 */
function keyObjectOf(key: Bytes): KeyObject {
  const id =
    typeof key === 'string'
      ? `s${key}`
      : `b${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')}`;
  let keyObject = keyObjects.get(id);
  if (!keyObject) {
    keyObject = typeof key === 'string' ? createSecretKey(key, 'utf8') : createSecretKey(key);
    if (keyObjects.size >= KEY_OBJECTS_KEPT) keyObjects.delete(keyObjects.keys().next().value as string);
    keyObjects.set(id, keyObject);
  }
  return keyObject;
}

/**
 * HMAC over the concatenation of `parts`; string keys and parts are used as UTF-8. A KeyObject (a
 * parsed Standard Webhooks key, made once per secret) is used as it is.
 */
export function hmac(algorithm: HmacAlgorithm, key: Bytes | KeyObject, ...parts: Bytes[]): Buffer {
  const mac = createHmac(algorithm, key instanceof KeyObject ? key : keyObjectOf(key));
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

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `gwk_` and 8 hex characters: the part of a key that may be shown (lists, logs, the audit log). */
const PREFIX_LENGTH = 12;
const keyShape = /^gwk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

export const hashKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * A new key: `gwk_<8 hex>_<32 random bytes, base64url>`. 256 random bits make a fast hash
 * (SHA-256) enough: there is nothing to guess a dictionary for, unlike a password (ADR 0025).
 */
export function newApiKey(): { key: string; prefix: string; hash: Buffer } {
  const prefix = `gwk_${randomBytes(4).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashKey(key) };
}

/** The prefix of a presented key, or undefined when it does not have the shape of one. */
export const prefixOf = (key: string): string | undefined =>
  keyShape.test(key) ? key.slice(0, PREFIX_LENGTH) : undefined;

/** Hashes are 32 bytes each: compared in constant time so a near match does not show in the timing. */
export const keyMatches = (key: string, hash: Buffer): boolean =>
  hash.length === 32 && timingSafeEqual(hashKey(key), hash);

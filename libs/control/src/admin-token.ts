import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `Authorization` header values against the admin token. Only the token's SHA-256 hash is
 * kept, and hashes (always 32 bytes) are compared in constant time, so neither the token's length
 * nor a matching prefix shows in the timing.
 */
export function adminTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = sha256(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    const presented = sha256(match?.[1] ?? '');
    // Evaluated even without a header so every refusal costs the same.
    return timingSafeEqual(presented, expected) && match !== null;
  };
}

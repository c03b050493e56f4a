import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SigningConfigError } from './signing-error';

// DER headers that turn 32 raw key bytes into PKCS8 / SPKI (RFC 8410), which node:crypto reads.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const RAW_LENGTH = 32;

export const ed25519PrivateKeyFromSeed = (seed: Buffer): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });

export const ed25519PublicKeyFromRaw = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

export const rawPublicKey = (key: KeyObject): Buffer =>
  key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);

const rawSeed = (key: KeyObject): Buffer =>
  key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);

/**
 * Reads the bytes after `whsk_`: the 32-byte seed (what we write), the 48-byte PKCS8 DER, or the
 * 64-byte seed‖public-key layout of libsodium, whose public half must match the seed.
 */
export function ed25519PrivateKeyFromBytes(bytes: Buffer, label: string): KeyObject {
  if (bytes.length === RAW_LENGTH) return ed25519PrivateKeyFromSeed(bytes);
  if (
    bytes.length === PKCS8_PREFIX.length + RAW_LENGTH &&
    bytes.subarray(0, PKCS8_PREFIX.length).equals(PKCS8_PREFIX)
  ) {
    return ed25519PrivateKeyFromSeed(bytes.subarray(PKCS8_PREFIX.length));
  }
  if (bytes.length === 2 * RAW_LENGTH) {
    const key = ed25519PrivateKeyFromSeed(bytes.subarray(0, RAW_LENGTH));
    if (rawPublicKey(createPublicKey(key)).equals(bytes.subarray(RAW_LENGTH))) return key;
  }
  throw new SigningConfigError(`${label} is not an Ed25519 secret key (32-byte seed, PKCS8 or seed+public)`);
}

/** Reads the bytes after `whpk_`: the 32 raw public-key bytes (what we write) or SPKI DER. */
export function ed25519PublicKeyFromBytes(bytes: Buffer, label: string): KeyObject {
  if (bytes.length === RAW_LENGTH) return ed25519PublicKeyFromRaw(bytes);
  if (
    bytes.length === SPKI_PREFIX.length + RAW_LENGTH &&
    bytes.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)
  ) {
    return ed25519PublicKeyFromRaw(bytes.subarray(SPKI_PREFIX.length));
  }
  throw new SigningConfigError(`${label} is not an Ed25519 public key (32 raw bytes or SPKI)`);
}

/** A fresh key pair as raw 32-byte seed and public key. */
export function newEd25519KeyPair(): { seed: Buffer; publicKey: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { seed: rawSeed(privateKey), publicKey: rawPublicKey(publicKey) };
}

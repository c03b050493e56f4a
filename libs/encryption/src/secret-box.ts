import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './key-ring';

const PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Opened values remembered at most (then forgotten all at once): more than the endpoints' and sources' values. */
const OPENED_MAX = 100_000;

/** A stored value that cannot be opened: tampered, moved to another place, or under an unknown key. */
export class SecretOpenError extends Error {
  readonly code = 'secret_undecryptable';
}

/**
 * Seals secrets for storage with AES-256-GCM: `enc:v1:<keyId>:<base64url(nonce | ciphertext | tag)>`,
 * a random 96-bit nonce per value, and the value's place (`table.column:rowId`) as associated data,
 * so a ciphertext copied to another row or column does not open. The first key seals; every key opens.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly newest: EncryptionKey;
  /**
   * Plaintexts by place and envelope: the dispatcher's view reopens every endpoint's values on each
   * reload, and a value that did not change is not decrypted again. An envelope that differs by a
   * bit (tampered) is another entry, so it is authenticated like any new one.
   */
  private readonly opened = new Map<string, string>();

  constructor(keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    this.newest = keys[0];
    this.keys = new Map(keys.map((key) => [key.id, key.key]));
  }

  /** True when `stored` is an envelope (rather than a plaintext written before encryption). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(plaintext: string, place: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.newest.key, nonce);
    cipher.setAAD(Buffer.from(place, 'utf8'));
    const body = Buffer.concat([
      nonce,
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${PREFIX}${this.newest.id}:${body.toString('base64url')}`;
  }

  /**
   * The plaintext of a stored value (remembered). A value without the envelope's prefix is a plaintext from
   * before encryption (the migrate step and `secrets:reencrypt` seal those) and comes back as is.
   */
  open(stored: string, place: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const remembered = `${place}\n${stored}`;
    let plaintext = this.opened.get(remembered);
    if (plaintext === undefined) {
      plaintext = this.decrypt(stored, place);
      if (this.opened.size >= OPENED_MAX) this.opened.clear();
      this.opened.set(remembered, plaintext);
    }
    return plaintext;
  }

  private decrypt(stored: string, place: string): string {
    const rest = stored.slice(PREFIX.length);
    const at = rest.indexOf(':');
    const key = at < 0 ? undefined : this.keys.get(rest.slice(0, at));
    if (!key)
      throw new SecretOpenError(`a secret at ${place} is sealed under a key id that is not configured`);
    const body = Buffer.from(rest.slice(at + 1), 'base64url');
    if (body.length < NONCE_BYTES + TAG_BYTES) throw new SecretOpenError(`a secret at ${place} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(place, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      const text = decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES));
      return Buffer.concat([text, decipher.final()]).toString('utf8');
    } catch {
      throw new SecretOpenError(`a secret at ${place} does not authenticate (tampered, moved or wrong key)`);
    }
  }

  /** True when `stored` is sealed under the newest key (re-encryption leaves it alone). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${PREFIX}${this.newest.id}:`);
  }

  /** Opens `stored` and seals it again under the newest key, or undefined when it already is. */
  reseal(stored: string, place: string): string | undefined {
    return this.isCurrent(stored) ? undefined : this.seal(this.open(stored, place), place);
  }
}

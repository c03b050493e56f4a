/** One AES-256 key of `SECRETS_ENCRYPTION_KEYS`: its id (named in every envelope) and its 32 bytes. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** What an id may hold: it sits between colons in an envelope. */
export const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The problems of a key list as `SECRETS_ENCRYPTION_KEYS` gives it (`<id>:<base64 32 bytes>`,
 * comma-separated, newest first), one line each; empty when it is valid. The lines name entries by
 * position and id, never their key material.
 */
export function keyListProblems(text: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries = splitEntries(text);
  if (entries.length === 0) problems.push('expected at least one <id>:<base64 of 32 bytes>');
  entries.forEach((entry, index) => {
    const at = entry.indexOf(':');
    const id = at < 0 ? '' : entry.slice(0, at);
    const label = `entry #${index + 1}`;
    if (!keyIdPattern.test(id)) {
      problems.push(
        `${label}: expected <id>:<base64 of 32 bytes>, the id of 1-32 letters, digits, "_" or "-"`,
      );
      return;
    }
    if (seen.has(id)) problems.push(`${label}: the key id "${id}" appears twice`);
    seen.add(id);
    const material = entry.slice(at + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(material) || Buffer.from(material, 'base64').length !== 32)
      problems.push(`${label} ("${id}"): the key must be the base64 of exactly 32 random bytes`);
  });
  return problems;
}

/** Parses a key list that keyListProblems found valid; newest (the encrypting one) first. */
export function parseKeyList(text: string): EncryptionKey[] {
  const problems = keyListProblems(text);
  if (problems.length > 0) throw new Error(`SECRETS_ENCRYPTION_KEYS: ${problems.join('; ')}`);
  return splitEntries(text).map((entry) => {
    const at = entry.indexOf(':');
    return { id: entry.slice(0, at), key: Buffer.from(entry.slice(at + 1), 'base64') };
  });
}

const splitEntries = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

import { isUtf8 } from 'node:buffer';

/** Bytes of a receiver's answer that are kept (the start of its body). */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** What marks an excerpt of a body that is not text. */
export const BINARY_MARK = '[binary, escaped] ';

const BACKSLASH = 0x5c;

/**
 * The bytes without a UTF-8 character cut off at their end (cutting a body at the limit may split
 * one; that is not a sign of binary).
 */
function withoutCutCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

/**
 * The start of a receiver's answer as text PostgreSQL can store and an operator can read: the body
 * itself when it is UTF-8 without NUL; otherwise a marked excerpt in which printable ASCII stays
 * and every other byte is written `\xNN` (a backslash `\\`). Whatever a receiver sends, the
 * result is valid UTF-8, free of NUL, and at most 4 characters a byte (ADR 0018).
 */
export function responseExcerpt(bytes: Buffer): string {
  const text = withoutCutCharacter(bytes);
  if (isUtf8(text) && !text.includes(0)) return text.toString('utf8');
  let escaped = BINARY_MARK;
  for (const byte of bytes) {
    if (byte === BACKSLASH) escaped += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) escaped += String.fromCharCode(byte);
    else escaped += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return escaped;
}

import { z } from 'zod';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Any JSON value. Every value this gateway validates comes out of JSON.parse (Kafka values, HTTP
 * bodies), so anything defined already is JSON: a deep walk (z.json()) would only cost time on the
 * hot path. Only a missing value is refused.
 */
export const jsonValue = z.custom<JsonValue>((value) => value !== undefined, { message: 'expected a JSON value' });

/**
 * Where a JSON value holds U+0000 (NUL) in a string or a key, as a dotted path ('' for the value
 * itself), or null. PostgreSQL cannot store NUL in text or jsonb, so a value carrying one would fail
 * its insert again on every retry: it is refused where it enters instead.
 */
export function nulCharacterPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulCharacterPath(value[i], [...path, String(i)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '\\u0000')].join('.');
      const found = nulCharacterPath(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

export const NUL_CHARACTER_MESSAGE = 'contains U+0000 (NUL), which PostgreSQL cannot store';

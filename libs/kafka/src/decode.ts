import type { z } from 'zod';
import { NUL_CHARACTER_MESSAGE, nulCharacterPath, parseJson } from '@gateway/schemas';

export type Decoded<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'not-json' | 'schema'; errors: { path: string; message: string }[] };

/** Parses and validates one Kafka message value; never throws. */
export function decodeMessage<S extends z.ZodType>(schema: S, raw: Buffer | null): Decoded<z.infer<S>> {
  let parsed: unknown;
  const text = raw ? raw.toString('utf8') : '';
  try {
    parsed = parseJson(text);
  } catch (error) {
    return { ok: false, reason: 'not-json', errors: [{ path: '', message: (error as Error).message }] };
  }
  // Only JSON's escape can put a NUL in a parsed value (a raw one is a syntax error): walk only then.
  const nulAt = text.includes('\\u0000') ? nulCharacterPath(parsed) : null;
  if (nulAt !== null) return { ok: false, reason: 'schema', errors: [{ path: nulAt, message: NUL_CHARACTER_MESSAGE }] };
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    reason: 'schema',
    errors: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  };
}

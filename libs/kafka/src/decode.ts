import type { z } from 'zod';

export type Decoded<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'not-json' | 'schema'; errors: { path: string; message: string }[] };

/** Parses and validates one Kafka message value; never throws. */
export function decodeMessage<S extends z.ZodType>(schema: S, raw: Buffer | null): Decoded<z.infer<S>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ? raw.toString('utf8') : '');
  } catch (error) {
    return { ok: false, reason: 'not-json', errors: [{ path: '', message: (error as Error).message }] };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    reason: 'schema',
    errors: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  };
}

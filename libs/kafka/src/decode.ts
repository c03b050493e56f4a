import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import {
  JSON_MAX_BYTES,
  JsonBudgetError,
  mayHoldUnstorableText,
  parseJson,
  unstorableTextAt,
  type InvalidMessage,
} from '@gateway/schemas';

export type Decoded<T> =
  { ok: true; value: T } | { ok: false; reason: InvalidMessage['reason']; errors: InvalidMessage['errors'] };

/** The budget one message value is decoded within (ADR 0018); the contract may set a smaller size. */
export interface DecodeBudget {
  maxBytes?: number;
}

const refuse = (reason: InvalidMessage['reason'], message: string, path = ''): Decoded<never> => ({
  ok: false,
  reason,
  errors: [{ path, message }],
});

/**
 * Parses and validates one Kafka message value; never throws, whatever the bytes. In order: a
 * value at all (not a tombstone), within the size budget, UTF-8, JSON within the depth budget
 * (`parseJson`), text PostgreSQL can store, and the contract's schema.
 */
export function decodeMessage<S extends z.ZodType>(
  schema: S,
  raw: Buffer | null,
  budget: DecodeBudget = {},
): Decoded<z.infer<S>> {
  if (raw === null) return refuse('not-json', 'no value (a tombstone)');
  const maxBytes = budget.maxBytes ?? JSON_MAX_BYTES;
  if (raw.length > maxBytes) return refuse('over-limit', `${raw.length} bytes; the limit is ${maxBytes}`);
  // Decoding would silently turn invalid bytes into U+FFFD; the original stays on the invalid topic.
  if (!isUtf8(raw)) return refuse('not-json', 'not UTF-8');
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (error) {
    if (error instanceof JsonBudgetError) return refuse('over-limit', error.message);
    return refuse('not-json', (error as Error).message);
  }
  // Only JSON's escapes can put a NUL or a lone surrogate in a parsed value: walk only then.
  const unstorable = mayHoldUnstorableText(text) ? unstorableTextAt(parsed) : null;
  if (unstorable !== null) return refuse('schema', unstorable.message, unstorable.path);
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    reason: 'schema',
    errors: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  };
}

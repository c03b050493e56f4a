import type { z } from 'zod';
import { unstorableTextAt } from '@gateway/schemas';
import { ValidationError } from './domain-error';

/**
 * Validates input at an HTTP boundary (body, query); a failure is a 400 problem naming every field.
 * Text PostgreSQL cannot store (NUL, a lone surrogate) is refused first, naming where.
 * Unknown fields are named one by one (zod reports them together at the parent), so a typo such as
 * `evenTypes` is pointed at instead of being silently dropped.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const unstorable = unstorableTextAt(input);
  if (unstorable !== null) throw new ValidationError([unstorable]);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: [...issue.path, key].join('.'),
            // Keeps a schema's own wording, such as the payload filter's "unknown operator".
            message: issue.message.startsWith('Unrecognized key') ? 'unknown field' : issue.message,
          }))
        : [{ path: issue.path.join('.'), message: issue.message }],
    ),
  );
}

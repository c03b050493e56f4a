import type { z } from 'zod';
import { NUL_CHARACTER_MESSAGE, nulCharacterPath } from '@gateway/schemas';
import { ValidationError } from './domain-error';

/**
 * Validates input at an HTTP boundary (body, query); a failure is a 400 problem naming every field.
 * A NUL character anywhere is refused first, naming where (PostgreSQL cannot store it).
 * Unknown fields are named one by one (zod reports them together at the parent), so a typo such as
 * `evenTypes` is pointed at instead of being silently dropped.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const nulAt = nulCharacterPath(input);
  if (nulAt !== null) throw new ValidationError([{ path: nulAt, message: NUL_CHARACTER_MESSAGE }]);
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

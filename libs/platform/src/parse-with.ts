import type { z } from 'zod';
import { ValidationError } from './domain-error';

/** Validates input at an HTTP boundary; a failure becomes a 400 problem naming each field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

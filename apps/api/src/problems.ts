import { isUnprocessable, type CatalogRejected } from '@gateway/control';
import { DomainError, NotFoundError, UnprocessableError } from '@gateway/platform';

/** Returns the value, or answers 404 naming what was looked for. */
export function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new NotFoundError(what, id);
  return value;
}

/** A value the catalog refused (a schema, an example, data, an unknown type) is a 422 naming each reason. */
export function processable<T>(value: T | CatalogRejected): T {
  if (isUnprocessable(value)) throw new UnprocessableError(value.unprocessable);
  return value;
}

export class UnauthorizedError extends DomainError {
  constructor() {
    super(
      'unauthorized',
      401,
      'a valid bearer token is required: Authorization: Bearer <ADMIN_TOKEN or API key>',
    );
  }
}

/** The caller is known but may not do this (a missing scope, a route closed to tenant keys). */
export class ForbiddenError extends DomainError {
  constructor(detail: string) {
    super('forbidden', 403, detail);
  }
}

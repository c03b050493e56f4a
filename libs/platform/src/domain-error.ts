/** An error with a stable code and the HTTP status it maps to (RFC 9457 problem details). */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class ValidationError extends DomainError {
  constructor(
    readonly errors: { path: string; message: string }[],
    status = 400,
    code = 'validation_failed',
  ) {
    super(code, status, errors.map((error) => `${error.path || '(body)'}: ${error.message}`).join('; '));
  }
}

/** Well-formed input that breaks a rule of the domain (a schema, the catalog): 422 naming each reason. */
export class UnprocessableError extends ValidationError {
  constructor(errors: { path: string; message: string }[], code = 'unprocessable') {
    super(errors, 422, code);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', 404, `${what} ${id} does not exist`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}

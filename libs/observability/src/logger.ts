import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs with the service name; secrets, bodies and SQL parameters are redacted wherever they might appear. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'secret', 'secrets', '*.secret', '*.secrets', 'key', '*.key', 'authorization', '*.authorization', 'body', '*.body',
        // A failed SQL statement (TypeORM's QueryFailedError) carries its bound values: secrets, headers, bodies.
        'err.parameters', 'error.parameters',
      ],
      censor: '[redacted]',
    },
  });
}

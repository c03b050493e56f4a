import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Logs `message` as a warning at most once per `intervalMs`: a failure repeated by every batch or
 * request during an outage is one line a minute, not a log flood.
 */
export function throttledWarning(
  logger: Logger,
  message: string,
  intervalMs = 60_000,
  now: () => number = Date.now,
): (error: unknown) => void {
  let warnedAt = -Infinity;
  return (error) => {
    if (now() - warnedAt < intervalMs) return;
    warnedAt = now();
    logger.warn({ err: error }, message);
  };
}

/** JSON logs with the service name; secrets, bodies and SQL parameters are redacted wherever they might appear. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'secret',
        'secrets',
        '*.secret',
        '*.secrets',
        'key',
        '*.key',
        'authorization',
        '*.authorization',
        'body',
        '*.body',
        // A failed SQL statement (TypeORM's QueryFailedError) carries its bound values: secrets, headers, bodies.
        'err.parameters',
        'error.parameters',
      ],
      censor: '[redacted]',
    },
  });
}

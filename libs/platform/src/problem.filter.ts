import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SecretOpenError } from '@gateway/encryption';
import { dependencyUnavailable, KafkaUnavailableError } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import { DomainError, ValidationError } from './domain-error';

/** Retry-After of a 503 whose cause is a dependency (Kafka, PostgreSQL, a missing key). */
export const KAFKA_RETRY_AFTER_SECONDS = 5;

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Maps every error to `application/problem+json` (RFC 9457); internals never leak. A 5xx carries a
 * `correlationId`, logged with the error, so an operator finds what a caller reports.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const exception = unavailable(thrown) ?? thrown;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) {
      problem.correlationId = randomUUID();
      this.logger.error(
        { err: thrown, url: request.url, correlationId: problem.correlationId },
        'request failed',
      );
    }
    const retryAfter = exception instanceof DomainError ? exception.extra.retryAfter : undefined;
    const headers = typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {};
    void reply
      .status(problem.status)
      .headers({ ...headers, 'content-type': 'application/problem+json' })
      .send(problem);
  }

  private toProblem(exception: unknown): Record<string, unknown> & { status: number } {
    if (exception instanceof DomainError) {
      const base = {
        type: `urn:gateway:problem:${exception.code}`,
        title: titles[exception.status] ?? 'Error',
        status: exception.status,
        detail: exception.message,
      };
      return exception instanceof ValidationError ? { ...base, errors: exception.errors } : base;
    }
    const status = statusOf(exception);
    const detail = status < 500 && exception instanceof Error ? exception.message : 'internal error';
    return { type: `urn:gateway:problem:http_${status}`, title: titles[status] ?? 'Error', status, detail };
  }
}

/**
 * A failure that is no fault of the request is a 503 with Retry-After, never a 500 or a false 2xx:
 * a Kafka write not acknowledged (replay, recover, redrive...), PostgreSQL down or busy, or a stored
 * secret sealed under a key this process is not configured with (ADR 0027: the operator restores
 * the key; the caller's request was fine).
 */
function unavailable(thrown: unknown): DomainError | undefined {
  const retryAfter = { retryAfter: KAFKA_RETRY_AFTER_SECONDS };
  if (thrown instanceof KafkaUnavailableError)
    return new DomainError(
      'kafka_unavailable',
      503,
      'Kafka did not acknowledge the write; retry later',
      retryAfter,
    );
  if (thrown instanceof HttpException || thrown instanceof DomainError) return undefined;
  if (thrown instanceof SecretOpenError)
    return new DomainError(
      'secret_unavailable',
      503,
      "a stored secret of this resource cannot be opened with the gateway's configured keys; retry later",
      retryAfter,
    );
  if (dependencyUnavailable(thrown))
    return new DomainError(
      'dependency_unavailable',
      503,
      'a dependency (PostgreSQL or Kafka) is unavailable; retry later',
      retryAfter,
    );
  return undefined;
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const code = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
}

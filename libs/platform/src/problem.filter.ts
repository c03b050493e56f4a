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
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error as answered: status, headers and the problem body. */
export interface ProblemAnswer {
  status: number;
  headers: Record<string, string>;
  problem: Record<string, unknown> & { status: number };
}

/**
 * Maps an error to `application/problem+json` (RFC 9457); internals never leak. A 5xx carries a
 * `correlationId`, logged with the error, so an operator finds what a caller reports. The one
 * mapping of errors to answers: the filter below sends it through Fastify, the routes served
 * ahead of Fastify (`POST /v1/events`) write it themselves.
 */
export function problemAnswer(thrown: unknown, logger: Logger, url: string | undefined): ProblemAnswer {
  const exception = unavailable(thrown) ?? thrown;
  const problem = toProblem(exception);
  if (problem.status >= 500) {
    problem.correlationId = randomUUID();
    logger.error({ err: thrown, url, correlationId: problem.correlationId }, 'request failed');
  }
  const retryAfter = exception instanceof DomainError ? exception.extra.retryAfter : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  return { status: problem.status, headers, problem };
}

/** Every error a Nest route or a Fastify hook throws, answered as `problemAnswer` says. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, headers, problem } = problemAnswer(thrown, this.logger, request.url);
    void reply.status(status).headers(headers).send(problem);
  }
}

function toProblem(exception: unknown): Record<string, unknown> & { status: number } {
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

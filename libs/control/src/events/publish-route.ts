import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@gateway/observability';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  DomainError,
  KAFKA_RETRY_AFTER_SECONDS,
  lingerOnClose,
  parseWith,
  problemAnswer,
  readRawBody,
  UnprocessableError,
  type JsonBodyReader,
  type RawHandler,
} from '@gateway/platform';
import { stringifyJson } from '@gateway/schemas';
import type { Caller } from '../access/scopes';
import type { EventPublisher } from './event-publisher';
import { publishEventBody } from './event.schemas';

export interface PublishRouteOptions {
  /**
   * The caller when it may publish; otherwise throws the 401 or 403 the other `/v1` routes answer
   * (the api's one authorization, `authorize` in its auth hook).
   */
  authorize(authorization: string | undefined): Promise<Caller>;
  publisher: Pick<EventPublisher, 'publish'>;
  /** The one reading of a JSON body (`jsonBodyReader` of @gateway/platform). */
  readJson: JsonBodyReader;
  /** The same limit as every other route's body (Fastify's `bodyLimit`). */
  bodyLimitBytes: number;
  bodyTimeoutMs?: number;
  logger: Logger;
}

/** `/v1/events`, with or without a query (which the route ignores, as Fastify's did). */
const publishPath = /^\/v1\/events(?:\?|$)/;

/** `application/json`, with or without parameters (`; charset=utf-8`), in any case. */
const isJson = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';', 1)[0].trim().toLowerCase() === 'application/json';

/**
 * `POST /v1/events` on Node's HTTP server itself, ahead of Fastify, as the ingress's hot path
 * (ADR 0006): Fastify's hooks, content-type parsing and reply, and Nest's interceptors, pipes and
 * parameter decorators cost more CPU per publish than the publish itself (ADR 0033). What the
 * route answers is unchanged: the same authorization before a byte of the body is read (401, 403),
 * the same JSON reading (415, 413, 400), the same contract (400), the catalog's check (422), and
 * 202 only after Kafka acknowledged the event (503 with Retry-After otherwise). Every error is the
 * same problem the other routes answer (`problemAnswer`). Other methods on the path are Fastify's.
 */
export function createPublishRoute(options: PublishRouteOptions): RawHandler {
  const { bodyLimitBytes, logger } = options;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;

  const send = (response: ServerResponse, status: number, headers: Record<string, string>, body: unknown) => {
    const text = stringifyJson(body);
    response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };

  const fail = (request: IncomingMessage, response: ServerResponse, thrown: unknown) => {
    // The client went away (mid-body, or while Kafka wrote): nobody is left to answer.
    if (response.headersSent || response.destroyed || request.socket.destroyed) return;
    const { status, headers, problem } = problemAnswer(thrown, logger, request.url);
    if (status === 401) headers['www-authenticate'] = 'Bearer';
    // A body refused before it was read whole: the client may still be sending it. Close, as
    // Fastify did, but without a reset that could discard the answer (`lingerOnClose`).
    if (thrown instanceof BodyTooLargeError || thrown instanceof BodyTimeoutError) {
      headers.connection = 'close';
      lingerOnClose(response.socket);
    }
    send(response, status, headers, problem);
  };

  const publish = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const caller = await options.authorize(request.headers.authorization);
    if (!isJson(request.headers['content-type'])) {
      throw new DomainError(
        'unsupported_media_type',
        415,
        `the body must be application/json, not ${request.headers['content-type'] ?? 'missing'}`,
      );
    }
    if (Number(request.headers['content-length']) > bodyLimitBytes) {
      throw new BodyTooLargeError(bodyLimitBytes);
    }
    const raw = await readRawBody(request, bodyLimitBytes, bodyTimeoutMs);
    const input = parseWith(publishEventBody, options.readJson(raw.toString('utf8')));
    const traceparent = request.headers.traceparent;
    const result = await options.publisher.publish(
      input,
      typeof traceparent === 'string' ? traceparent : undefined,
      caller.tenant ?? undefined,
    );
    switch (result.outcome) {
      case 'published':
        return send(response, 202, { 'content-type': 'application/json; charset=utf-8' }, { id: result.id });
      case 'too-large':
        throw new DomainError(
          'payload_too_large',
          413,
          `event ${result.id} is ${result.bytes} bytes as JSON; the limit is about 1 MB`,
        );
      case 'schema-violation':
        throw new UnprocessableError(result.errors, 'schema_violation');
      case 'kafka-unavailable':
        throw new DomainError(
          'kafka_unavailable',
          503,
          `Kafka did not acknowledge event ${result.id}; retry with the same id (it is the idempotency key)`,
          { retryAfter: KAFKA_RETRY_AFTER_SECONDS },
        );
    }
  };

  return (request, response) => {
    if (request.method !== 'POST' || !publishPath.test(request.url ?? '')) return false;
    publish(request, response).catch((thrown: unknown) => fail(request, response, thrown));
    return true;
  };
}

import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyServerOptions } from 'fastify';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import type { Logger } from '@gateway/observability';
import {
  JSON_MAX_DEPTH,
  mayHoldExactNumbers,
  nestsDeeperThan,
  parseJson,
  stringifyJson,
} from '@gateway/schemas';
import { DomainError } from './domain-error';
import { ProblemFilter } from './problem.filter';
import { StorableParamsPipe } from './storable-params.pipe';
import { LOGGER } from './tokens';

export interface BootOptions {
  module: DynamicModule;
  port: number;
  host: string;
  shutdownTimeoutMs: number;
  bodyLimitBytes?: number;
  /** Runs on the app before it listens (routes, parsers, OpenAPI). */
  configure?(app: NestFastifyApplication): void | Promise<void>;
  /**
   * A hot path served on Node's HTTP server ahead of Fastify (the ingress's `POST /in/:sourceId`):
   * built once the app exists; its handler returns false for requests it leaves to Fastify.
   */
  rawHandler?(app: NestFastifyApplication): RawHandler;
}

export type RawHandler = (request: IncomingMessage, response: ServerResponse) => boolean;
type FastifyHttpHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Nest's own messages through pino, so every line is JSON. */
class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
}

/** Starts a service on Fastify with problem+json errors and graceful shutdown on SIGTERM/SIGINT. */
export async function bootService(options: BootOptions): Promise<NestFastifyApplication> {
  // Set once the app exists (the handler needs its providers); the server is made before that.
  const front: { handler?: RawHandler } = {};
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    clientErrorHandler: problemOnClientError,
    // A URL the router refuses (a malformed escape, a path segment over 100 characters): a problem too.
    frameworkErrors: (_error: Error, _request: unknown, reply: FastifyReply) =>
      void reply.code(400).type('application/problem+json').send({
        type: 'urn:gateway:problem:http_400',
        title: 'Bad Request',
        status: 400,
        detail: 'the URL could not be routed (a malformed escape, or a path segment over 100 characters)',
      }),
    ...(options.rawHandler
      ? {
          // The server Fastify would make, with the raw handler in front of Fastify's own.
          serverFactory: (fastifyHandler: FastifyHttpHandler, serverOptions: FastifyServerOptions) => {
            const server = createServer((request, response) => {
              if (!front.handler?.(request, response)) fastifyHandler(request, response);
            });
            server.keepAliveTimeout = serverOptions.keepAliveTimeout ?? 72_000;
            server.requestTimeout = serverOptions.requestTimeout ?? 0;
            server.setTimeout(serverOptions.connectionTimeout ?? 0);
            return server;
          },
        }
      : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Nest would register its own JSON parser at init; exactJson() replaces Fastify's instead.
    bodyParser: false,
  });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  app.useGlobalFilters(new ProblemFilter(logger));
  app.useGlobalPipes(new StorableParamsPipe());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      setTimeout(() => process.exit(1), options.shutdownTimeoutMs).unref();
    });
  }
  exactJson(app);
  await options.configure?.(app);
  front.handler = options.rawHandler?.(app);
  await app.listen(options.port, options.host);
  logger.info({ port: options.port }, 'listening');
  return app;
}

/**
 * A request Node cannot parse (a head over 16 KB, malformed bytes, a timeout) is refused before
 * any route: answered as a problem like every other error (Fastify's own answer is plain JSON),
 * and the connection closed. A reset connection has no one left to answer.
 */
function problemOnClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const title = STATUS_CODES[status] ?? 'Bad Request';
  const body = JSON.stringify({
    type: `urn:gateway:problem:http_${status}`,
    title,
    status,
    detail:
      status === 431 ? 'the request head is larger than 16 KB' : 'the request could not be read as HTTP',
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Reads a JSON request body's text as every route does (`jsonBodyReader`); throws a 4xx error. */
export type JsonBodyReader = (text: string) => unknown;

/**
 * JSON bodies keep integers beyond 2^53 exact (ExactNumber), as the Kafka consumers do: Fastify's
 * own parser still checks the body (syntax, prototype poisoning), and a body that may hold such an
 * integer is parsed again, exactly. A body nesting deeper than JSON_MAX_DEPTH is refused first with
 * a 400 naming the limit (ADR 0018): the same budget as every Kafka value. The one reading of a
 * JSON body: Fastify's content-type parser and the routes served ahead of Fastify both use it.
 */
export function jsonBodyReader(app: NestFastifyApplication): JsonBodyReader {
  const checked = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  return (text) => {
    if (nestsDeeperThan(text, JSON_MAX_DEPTH)) {
      throw new DomainError('over_limit', 400, `the body nests deeper than ${JSON_MAX_DEPTH} levels`);
    }
    // Fastify's parser answers through a callback, but synchronously.
    let outcome: { error: Error | null; value?: unknown } = { error: null };
    void checked(undefined as never, text, (error: Error | null, value?: unknown) => {
      outcome = { error, value };
    });
    if (outcome.error) throw outcome.error;
    if (!mayHoldExactNumbers(text)) return outcome.value;
    try {
      return parseJson(text.replace(/^\uFEFF/, ''));
    } catch (failure) {
      throw Object.assign(failure as Error, { statusCode: 400 });
    }
  };
}

/** Every JSON body through `jsonBodyReader`; answers keep exact integers too. */
function exactJson(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const read = jsonBodyReader(app);
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    let value: unknown;
    try {
      value = read(body as string);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, value);
  });
  fastify.setReplySerializer((payload) => stringifyJson(payload));
}

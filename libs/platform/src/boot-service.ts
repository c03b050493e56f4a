import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import type { Logger } from '@gateway/observability';
import { JSON_MAX_DEPTH, mayHoldExactNumbers, nestsDeeperThan, parseJson, stringifyJson } from '@gateway/schemas';
import { DomainError } from './domain-error';
import { ProblemFilter } from './problem.filter';
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
  log(message: unknown, context?: string) { this.logger.debug({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string) { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string) { this.logger.warn({ context }, String(message)); }
}

/** Starts a service on Fastify with problem+json errors and graceful shutdown on SIGTERM/SIGINT. */
export async function bootService(options: BootOptions): Promise<NestFastifyApplication> {
  // Set once the app exists (the handler needs its providers); the server is made before that.
  const front: { handler?: RawHandler } = {};
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
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
 * JSON bodies and answers keep integers beyond 2^53 exact (ExactNumber), as the Kafka consumers do:
 * Fastify's own parser still checks the body (syntax, prototype poisoning), and a body that may
 * hold such an integer is parsed again, exactly. A body nesting deeper than JSON_MAX_DEPTH is
 * refused first with a 400 naming the limit (ADR 0018): the same budget as every Kafka value.
 */
function exactJson(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const checked = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, JSON_MAX_DEPTH)) {
      return done(new DomainError('over_limit', 400, `the body nests deeper than ${JSON_MAX_DEPTH} levels`), undefined);
    }
    void checked(request, body as string, (error: Error | null, value?: unknown) => {
      if (error || !mayHoldExactNumbers(body as string)) return done(error, value);
      let exact: unknown;
      try {
        exact = parseJson((body as string).replace(/^\uFEFF/, ''));
      } catch (failure) {
        return done(Object.assign(failure as Error, { statusCode: 400 }), undefined);
      }
      done(null, exact);
    });
  });
  fastify.setReplySerializer((payload) => stringifyJson(payload));
}

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import type { Logger } from '@gateway/observability';
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
}

/** Nest's own messages through pino, so every line is JSON. */
class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) { this.logger.debug({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string) { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string) { this.logger.warn({ context }, String(message)); }
}

/** Starts a service on Fastify with problem+json errors and graceful shutdown on SIGTERM/SIGINT. */
export async function bootService(options: BootOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, { bufferLogs: true, abortOnError: false });
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
  await options.configure?.(app);
  await app.listen(options.port, options.host);
  logger.info({ port: options.port }, 'listening');
  return app;
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The control API reads JSON only: without Fastify's default text/plain parser, another media type
 * is a 415 problem instead of a string that fails validation with a puzzling message.
 */
export function acceptJsonOnly(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { openApiDocument } from './openapi';
import { withAccess } from './openapi-access';

/** `GET /openapi.json` (our own document, not one scanned from decorators) and its UI at `GET /docs`. */
export function serveOpenApi(app: NestFastifyApplication): void {
  const document = withAccess(openApiDocument()) as unknown as OpenAPIObject;
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'Webhook gateway control API',
  });
}

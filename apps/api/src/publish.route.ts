import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyAuthenticator, createPublishRoute, EventPublisher } from '@gateway/control';
import type { Logger } from '@gateway/observability';
import { jsonBodyReader, LOGGER, type RawHandler } from '@gateway/platform';
import { authorize } from './auth.hook';

/** `POST /v1/events`, served ahead of Fastify (ADR 0033) with the api's own checks and limits. */
export function publishRoute(app: NestFastifyApplication): RawHandler {
  const keys = app.get(ApiKeyAuthenticator);
  return createPublishRoute({
    authorize: (authorization) => authorize(keys, authorization, 'POST', '/v1/events'),
    publisher: app.get(EventPublisher),
    readJson: jsonBodyReader(app),
    bodyLimitBytes: app.getHttpAdapter().getInstance().initialConfig.bodyLimit ?? 1024 * 1024,
    logger: app.get<Logger>(LOGGER),
  });
}

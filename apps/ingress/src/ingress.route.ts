import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createIngressHandler, InboundAcceptor, parsePublicBase, SourceRegistry, type IngressHandler } from '@gateway/ingress';
import type { Logger } from '@gateway/observability';
import { LOGGER } from '@gateway/platform';
import type { AppConfig } from './config';

/** `POST /in/:sourceId`, served ahead of Fastify (raw bodies, limits before buffering). */
export function ingressHandler(app: NestFastifyApplication, config: AppConfig): IngressHandler {
  return createIngressHandler({
    sources: app.get(SourceRegistry),
    acceptor: app.get(InboundAcceptor),
    publicBase: parsePublicBase(config.PUBLIC_BASE_URL),
    trustForwardedHeaders: config.TRUST_FORWARDED_HEADERS,
    maxInFlight: config.INGRESS_MAX_IN_FLIGHT,
    retryAfterSeconds: config.INGRESS_RETRY_AFTER_SECONDS,
    now: Date.now,
    logger: app.get<Logger>(LOGGER),
  });
}

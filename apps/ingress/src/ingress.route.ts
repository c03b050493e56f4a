import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InboundAcceptor, parsePublicBase, registerIngressRoute, SourceRegistry } from '@gateway/ingress';
import type { Logger } from '@gateway/observability';
import { LOGGER } from '@gateway/platform';
import type { AppConfig } from './config';

/** Mounts `POST /in/:sourceId` (a Fastify route of its own: raw bodies, limits before buffering). */
export function mountIngressRoute(app: NestFastifyApplication, config: AppConfig): void {
  registerIngressRoute(app.getHttpAdapter().getInstance(), {
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

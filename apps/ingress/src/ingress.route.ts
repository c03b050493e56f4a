import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createIngressHandler,
  InboundAcceptor,
  parsePublicBase,
  SourceRegistry,
  SourceStatsCounter,
  type IngressHandler,
} from '@gateway/ingress';
import { metrics, type Logger } from '@gateway/observability';
import { LOGGER, LoopLimit, watchLoopDelay } from '@gateway/platform';
import type { AppConfig } from './config';
import { SourcesView } from './sources.view';

/** `POST /in/:sourceId`, served ahead of Fastify (raw bodies, limits before buffering). */
export function ingressHandler(app: NestFastifyApplication, config: AppConfig): IngressHandler {
  const registry = app.get(SourceRegistry);
  const view = app.get(SourcesView);
  const stats = app.get(SourceStatsCounter);
  return createIngressHandler({
    admitted: admissionLimit(config),
    sources: { get: (id) => registry.get(id), catchUp: () => view.catchUp() },
    acceptor: app.get(InboundAcceptor),
    publicBase: parsePublicBase(config.PUBLIC_BASE_URL),
    trustForwardedHeaders: config.TRUST_FORWARDED_HEADERS,
    retryAfterSeconds: config.INGRESS_RETRY_AFTER_SECONDS,
    now: Date.now,
    logger: app.get<Logger>(LOGGER),
    onOutcome: (sourceId, outcome) => stats.note(sourceId, outcome, Date.now()),
  });
}

/**
 * How many requests are admitted at once: INGRESS_MAX_IN_FLIGHT, or a limit under it adapted to the
 * event loop (ADR 0011), watched for the process's lifetime. It shrinks from itself, not from the
 * requests in flight at the moment of a sample: that count swings from one millisecond to the
 * next, and a limit cut to it refused normal bursts.
 */
function admissionLimit(config: AppConfig): () => number {
  const ceiling = config.INGRESS_MAX_IN_FLIGHT;
  metrics.ingressAdmissionLimit.set(ceiling);
  if (config.INGRESS_LOOP_DELAY_TARGET_MS === 0) return () => ceiling;
  const limit = new LoopLimit({
    targetDelayMs: config.INGRESS_LOOP_DELAY_TARGET_MS,
    floor: Math.min(32, ceiling),
    ceiling,
    initial: ceiling,
  });
  watchLoopDelay(250, (loop) => {
    limit.observe(loop);
    metrics.ingressAdmissionLimit.set(limit.value());
  });
  return () => limit.value();
}

import type { Provider } from '@nestjs/common';
import { InboundAcceptor, SourceRegistry, SourceStatsCounter } from '@gateway/ingress';
import { traceHeaders, type BatchingProducer, type Produced } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import { AdaptiveBatcher, CONFIG, LOGGER, PRODUCER } from '@gateway/platform';
import { inboundJournalMessage, type InboundMessage } from '@gateway/schemas';
import type { AppConfig } from './config';

/** The request path's pieces: the sources view it reads and the acceptor that writes the journal. */
export const ingressProviders: Provider[] = [
  { provide: SourceRegistry, useValue: new SourceRegistry() },
  { provide: SourceStatsCounter, useValue: new SourceStatsCounter() },
  {
    provide: InboundAcceptor,
    inject: [CONFIG, PRODUCER, LOGGER],
    useFactory: (config: AppConfig, producer: BatchingProducer, logger: Logger) => {
      const writer = new AdaptiveBatcher<Produced<InboundMessage>>((messages) =>
        producer.produce(inboundJournalMessage, messages),
      );
      return new InboundAcceptor(
        {
          write: (message, traceparent) =>
            writer.send({ value: message, headers: traceHeaders(traceparent) }),
          now: Date.now,
          onMisconfigured: (source, error) =>
            logger.error(
              { sourceId: source.id, provider: source.provider, reason: error.message },
              'source configuration cannot verify requests',
            ),
        },
        {
          ackTimeoutMs: config.INGRESS_ACK_TIMEOUT_MS,
          retryAfterSeconds: config.INGRESS_RETRY_AFTER_SECONDS,
          dedupCacheSize: config.INGRESS_DEDUP_CACHE_SIZE,
        },
      );
    },
  },
];

import type { Provider } from '@nestjs/common';
import { InboundAcceptor, SourceRegistry } from '@gateway/ingress';
import { traceHeaders, type BatchingProducer, type OutgoingMessage } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import { AdaptiveBatcher, CONFIG, LOGGER, PRODUCER, TOPICS } from '@gateway/platform';
import type { TopicNames } from '@gateway/schemas';
import type { AppConfig } from './config';

/** The request path's pieces: the sources view it reads and the acceptor that writes the journal. */
export const ingressProviders: Provider[] = [
  { provide: SourceRegistry, useValue: new SourceRegistry() },
  {
    provide: InboundAcceptor,
    inject: [CONFIG, PRODUCER, LOGGER, TOPICS],
    useFactory: (config: AppConfig, producer: BatchingProducer, logger: Logger, topics: TopicNames) => {
      const writer = new AdaptiveBatcher<OutgoingMessage>((messages) =>
        producer.sendMany(topics.inboundJournal, messages),
      );
      return new InboundAcceptor(
        {
          write: (message, traceparent) =>
            writer.send({
              key: message.sourceId,
              value: JSON.stringify(message),
              headers: traceHeaders(traceparent),
            }),
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

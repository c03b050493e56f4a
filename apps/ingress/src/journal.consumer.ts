import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  claimDedupKeys,
  DedupStage,
  markDedupPublished,
  purgeExpiredDedupKeys,
  sourceDefaults,
  SourceRegistry,
} from '@gateway/ingress';
import { startValidatingConsumer, traceHeaders, type BatchingProducer, type Kafka, type ValidatingConsumer } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import type { DataSource } from '@gateway/persistence';
import { CONFIG, DATA_SOURCE, KAFKA, LOGGER, PRODUCER, ReadinessRegistry, TOPICS } from '@gateway/platform';
import { inboundMessage, type TopicNames } from '@gateway/schemas';
import type { AppConfig } from './config';

const PURGE_INTERVAL_MS = 60_000;

/**
 * Consumes the ingress journal (provisioned with the other topics) and publishes each inbound webhook once to
 * `webhooks.inbound` (DedupStage), off the request path. Every ingress replica runs one, in one
 * consumer group, unless INGRESS_DEDUP_CONSUMER=false.
 */
@Injectable()
export class JournalConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: BatchingProducer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly registry: SourceRegistry,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.INGRESS_DEDUP_CONSUMER) return;
    const stage = new DedupStage({
      claim: (claims) => claimDedupKeys(this.dataSource, claims),
      markPublished: (refs) => markDedupPublished(this.dataSource, refs),
      publish: (entries) =>
        this.producer.sendMany(
          this.topics.inbound,
          entries.map(({ message, traceparent }) => ({
            key: inboundMessage.key(message),
            value: JSON.stringify(message),
            headers: traceHeaders(traceparent),
          })),
        ),
      windowSeconds: (sourceId) => this.registry.get(sourceId)?.dedupWindowSeconds ?? sourceDefaults.dedupWindowSeconds,
    });
    this.consumer = await startValidatingConsumer({
      kafka: this.kafka,
      groupId: `${this.config.KAFKA_TOPIC_PREFIX}ingress-journal`,
      topic: this.topics.inboundJournal,
      contract: inboundMessage,
      invalidTopic: this.topics.invalid,
      producer: this.producer,
      logger: this.logger,
      handle: (messages) =>
        stage.handle(messages.map((message) => ({ message: message.value, traceparent: message.traceparent }))),
    });
    this.readiness.addConsumer('journal-consumer', this.consumer);
    this.purgeTimer = setInterval(() => {
      purgeExpiredDedupKeys(this.dataSource).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'purging expired dedup claims failed; next try in a minute'),
      );
    }, PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.consumer?.stop();
  }
}

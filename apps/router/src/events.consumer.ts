import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { startValidatingConsumer, type BatchingProducer, type Kafka, type ValidatingConsumer } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import { CONFIG, KAFKA, LOGGER, PRODUCER, ReadinessRegistry, TOPICS } from '@gateway/platform';
import type { AppConfig } from './config';
import { eventMessage, type TopicNames } from '@gateway/schemas';

/** Consumes `webhooks.events`: validated events go to routing; malformed ones to the invalid topic. */
@Injectable()
export class EventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: BatchingProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await startValidatingConsumer({
      kafka: this.kafka,
      groupId: `${this.config.KAFKA_TOPIC_PREFIX}router`,
      topic: this.topics.events,
      contract: eventMessage,
      invalidTopic: this.topics.invalid,
      producer: this.producer,
      logger: this.logger,
      handle: async (messages) => {
        this.logger.debug({ count: messages.length }, 'events accepted');
      },
    });
    const consumer = this.consumer;
    this.readiness.add({
      name: 'events-consumer',
      check: async () => {
        if (!consumer.isJoined()) throw new Error('not a member of its consumer group yet');
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { startValidatingConsumer, type BatchingProducer, type Kafka, type ValidatingConsumer } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import { KAFKA, LOGGER, PRODUCER, ReadinessRegistry, TOPICS } from '@gateway/platform';
import { eventMessage, type TopicNames } from '@gateway/schemas';

/** Consumes `webhooks.events`: validated events go to routing; malformed ones to the invalid topic. */
@Injectable()
export class EventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: BatchingProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await startValidatingConsumer({
      kafka: this.kafka,
      groupId: 'gateway-router',
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

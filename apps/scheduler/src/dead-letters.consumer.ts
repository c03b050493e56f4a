import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { startValidatingConsumer, type BatchingProducer, type Kafka, type ValidatingConsumer } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import { recordDeadLetters, type DataSource } from '@gateway/persistence';
import { CONFIG, DATA_SOURCE, KAFKA, LOGGER, PRODUCER, TOPICS } from '@gateway/platform';
import { deadLetter, type TopicNames } from '@gateway/schemas';
import type { AppConfig } from './config';

/** Consumes `webhooks.dead-letter` into the `dead_letters` table, which the API lists and redrives. */
@Injectable()
export class DeadLettersConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: BatchingProducer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await startValidatingConsumer({
      kafka: this.kafka,
      groupId: `${this.config.KAFKA_TOPIC_PREFIX}scheduler-dead-letters`,
      topic: this.topics.deadLetter,
      contract: deadLetter,
      invalidTopic: this.topics.invalid,
      producer: this.producer,
      logger: this.logger,
      handle: (messages) =>
        recordDeadLetters(
          this.dataSource,
          messages.map(({ value }) => ({
            deliveryId: value.task.deliveryId,
            attempt: value.attempts,
            endpointId: value.task.endpointId,
            eventId: value.task.event.id,
            deadAt: value.deadAt,
            lastError: value.lastError,
            lastStatusCode: value.lastStatusCode,
            task: JSON.stringify(value.task),
          })),
        ),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

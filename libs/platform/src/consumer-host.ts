import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  startTrackedConsumer,
  startValidatingConsumer,
  type BatchingProducer,
  type Kafka,
  type KafkaGate,
  type TrackedConsumerOptions,
  type ValidatingConsumer,
  type ValidatingConsumerOptions,
} from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import type { TopicNames } from '@gateway/schemas';
import { ReadinessRegistry } from './readiness-registry';
import { CONFIG, KAFKA, KAFKA_GATE, LOGGER, PRODUCER, TOPICS } from './tokens';

/** What a service's consumer chooses; the host supplies the rest. */
type Shared = 'kafka' | 'groupId' | 'producer' | 'logger' | 'ready';
type Chosen<O> = Omit<O, Shared> & { /** Group name after the topic prefix, e.g. `router`. */ group: string };

/**
 * Starts the services' Kafka consumers the one way: group `<prefix><group>`, invalid messages to
 * the invalid topic, the shared producer and logger, and `/health/ready` green only while the
 * consumer is a member of its group. A consumer starts once the service's KafkaGate opened, without
 * holding up the service's start. Also hands consumers the shared producer, topics and logger.
 */
@Injectable()
export class ConsumerHost {
  constructor(
    @Inject(CONFIG) private readonly config: { KAFKA_TOPIC_PREFIX: string },
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) readonly producer: BatchingProducer,
    @Inject(TOPICS) readonly topics: TopicNames,
    @Inject(LOGGER) readonly logger: Logger,
    @Inject(KAFKA_GATE) private readonly gate: KafkaGate,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** A consumer whose batches are done when `handle` resolves. */
  async validating<S extends z.ZodType>(
    name: string,
    options: Chosen<ValidatingConsumerOptions<S>>,
  ): Promise<ValidatingConsumer> {
    const { group, ...chosen } = options;
    return this.ready(name, await startValidatingConsumer({ ...chosen, ...this.shared(group) }));
  }

  /** A consumer whose messages finish one by one, out of order (`complete()`). */
  async tracked<S extends z.ZodType>(
    name: string,
    options: Chosen<TrackedConsumerOptions<S>>,
  ): Promise<ValidatingConsumer> {
    const { group, ...chosen } = options;
    return this.ready(name, await startTrackedConsumer({ ...chosen, ...this.shared(group) }));
  }

  /** Readiness reports the consumer under `name` from now on. */
  private ready(name: string, consumer: ValidatingConsumer): ValidatingConsumer {
    this.readiness.addConsumer(name, consumer);
    return consumer;
  }

  private shared(group: string): Pick<ValidatingConsumerOptions<z.ZodType>, Shared> {
    return {
      kafka: this.kafka,
      groupId: `${this.config.KAFKA_TOPIC_PREFIX}${group}`,
      producer: this.producer,
      logger: this.logger,
      ready: this.gate.opened,
    };
  }
}

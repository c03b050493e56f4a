import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { startValidatingConsumer, traceHeaders, type BatchingProducer, type Kafka, type ValidatingConsumer } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import { LiveView, loadSubscriptions, markRouted, recordAndClaim, type DataSource, type EventRow, type SubscriptionRow } from '@gateway/persistence';
import { AdaptiveBatcher, CONFIG, DATA_SOURCE, KAFKA, LOGGER, PRODUCER, ReadinessRegistry, TOPICS } from '@gateway/platform';
import { EventRouter } from '@gateway/routing';
import { eventMessage, type TopicNames } from '@gateway/schemas';
import type { AppConfig } from './config';

/** Consumes `webhooks.events`: validated events are routed; malformed ones go to the invalid topic. */
@Injectable()
export class EventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;
  private view: LiveView<SubscriptionRow[]> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: BatchingProducer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The partitions' batches of one fetch arrive together: one statement records them all.
    const claims = new AdaptiveBatcher<{ events: EventRow[]; rows: { id: string; eventId: string; endpointId: string }[] }, Set<string>>(
      (batches) => recordAndClaim(this.dataSource, batches.flatMap((batch) => batch.events), batches.flatMap((batch) => batch.rows)),
      1,
    );
    const marks = new AdaptiveBatcher<string[]>((lists) => markRouted(this.dataSource, lists.flat()), 1);
    const router = new EventRouter({
      recordAndClaim: (events, rows) => claims.send({ events, rows }),
      markRouted: (ids) => marks.send(ids),
      emit: (tasks) =>
        this.producer.sendMany(
          this.topics.deliveries,
          tasks.map(({ task, traceparent }) => ({
            key: task.endpointId,
            value: JSON.stringify(task),
            headers: traceHeaders(traceparent),
          })),
        ),
    }, (error) => this.logger.warn({ err: error }, 'marking deliveries routed failed'));
    this.view = new LiveView(
      this.dataSource,
      'endpoints_changed',
      loadSubscriptions,
      (rows) => router.setSubscriptions(rows),
      (error) => this.logger.warn({ err: error }, 'subscription reload failed; keeping the last view'),
    );
    await this.view.start();
    this.consumer = await startValidatingConsumer({
      kafka: this.kafka,
      groupId: `${this.config.KAFKA_TOPIC_PREFIX}router`,
      topic: this.topics.events,
      contract: eventMessage,
      invalidTopic: this.topics.invalid,
      producer: this.producer,
      logger: this.logger,
      handle: (messages, batch) => router.route(messages, batch.topic, batch.partition),
    });
    this.readiness.addConsumer('events-consumer', this.consumer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.view?.stop();
  }
}

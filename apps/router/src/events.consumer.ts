import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CatalogView } from '@gateway/catalog';
import { traceHeaders, type ValidatingConsumer } from '@gateway/kafka';
import {
  DeliveriesRepository,
  EndpointsRepository,
  EventTypesRepository,
  LiveView,
  type DataSource,
  type DeliveryClaim,
  type NewEvent,
  type SubscriptionRow,
} from '@gateway/persistence';
import { AdaptiveBatcher, ConsumerHost, DATA_SOURCE } from '@gateway/platform';
import { EventRouter } from '@gateway/routing';
import { deliveryTask, eventMessage } from '@gateway/schemas';

/** Least time between two "routed" marks: fewer, larger statements under load. */
const RECORD_SPACING_MS = 50;

/**
 * Consumes `webhooks.events`: validated events are routed; malformed ones, and those whose data
 * fails their type's schema in the event-type catalog (kept in memory), go to the invalid topic.
 */
@Injectable()
export class EventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: ValidatingConsumer | undefined;
  private view: LiveView<SubscriptionRow[]> | undefined;
  private catalog: CatalogView | undefined;

  constructor(
    private readonly host: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly eventTypes: EventTypesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The partitions' batches of one fetch arrive together: one statement records them all.
    const claims = new AdaptiveBatcher<{ events: NewEvent[]; rows: DeliveryClaim[] }, Map<string, Date>>(
      (batches) =>
        this.deliveries.recordAndClaim(
          batches.flatMap((batch) => batch.events),
          batches.flatMap((batch) => batch.rows),
        ),
      { maxInFlight: 1 },
    );
    // Off the critical path (ADR 0009): a mark only keeps a re-published event id from routing twice.
    const marks = new AdaptiveBatcher<{ id: string; createdAt: Date }[]>(
      (lists) => this.deliveries.markRouted(lists.flat()),
      {
        maxInFlight: 1,
        spacingMs: RECORD_SPACING_MS,
      },
    );
    const router = new EventRouter(
      {
        recordAndClaim: (events, rows) => claims.send({ events, rows }),
        markRouted: (ids) => marks.send(ids),
        emit: (tasks) =>
          this.host.producer.produce(
            deliveryTask,
            tasks.map(({ task, traceparent }) => ({ value: task, headers: traceHeaders(traceparent) })),
          ),
      },
      (error) => this.host.logger.warn({ err: error }, 'marking deliveries routed failed'),
    );
    const view = new LiveView(
      this.dataSource,
      'endpoints_changed',
      () => this.endpoints.subscriptions(),
      (rows) => router.setSubscriptions(rows),
      (error) => this.host.logger.warn({ err: error }, 'subscription reload failed; keeping the last view'),
    );
    this.view = view;
    const catalog = new CatalogView(
      this.dataSource,
      this.eventTypes,
      (error) =>
        this.host.logger.warn({ err: error }, 'event-type catalog reload failed; keeping the last one'),
      (name, issues) =>
        this.host.logger.error({ eventType: name, issues }, 'a stored schema does not compile'),
    );
    this.catalog = catalog;
    await Promise.all([view.start(), catalog.start()]);
    this.consumer = await this.host.validating('events-consumer', {
      group: 'router',
      topic: this.host.topics.events,
      contract: eventMessage,
      // A type or an endpoint created or changed just before these events were published: its NOTIFY
      // may still be on its way. Both views sync at once (two round trips side by side, not in turn).
      screen: {
        prepare: async (newest) =>
          void (await Promise.all([catalog.freshFor(newest), view.freshFor(newest)])),
        errors: (event) => catalog.catalog.check(event.type, event.data),
      },
      handle: (messages, batch) => router.route(messages, batch.topic, batch.partition),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.view?.stop();
    await this.catalog?.stop();
  }
}

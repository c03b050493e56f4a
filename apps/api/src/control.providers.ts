import type { Provider } from '@nestjs/common';
import {
  EndpointService,
  EventLogService,
  EventPublisher,
  ReplayService,
  ReplayStore,
  SecretService,
} from '@gateway/control';
import { traceHeaders, type BatchingProducer } from '@gateway/kafka';
import { SpanKind, startHopSpan } from '@gateway/observability';
import {
  AttemptsRepository,
  cancelEndpointRetries,
  DeliveriesRepository,
  EndpointSecretsRepository,
  EventsRepository,
  EndpointsRepository,
  type DataSource,
} from '@gateway/persistence';
import { DATA_SOURCE, PRODUCER, TOPICS } from '@gateway/platform';
import { stringifyJson, type TopicNames } from '@gateway/schemas';

function required(dataSource: DataSource | null): DataSource {
  if (!dataSource) throw new Error('the api needs DATABASE_URL');
  return dataSource;
}

/** The control services (plain classes in @gateway/control) wired to the platform's resources. */
export const controlProviders: Provider[] = [
  {
    provide: EndpointService,
    inject: [EndpointsRepository],
    useFactory: (endpoints: EndpointsRepository) => new EndpointService(endpoints),
  },
  {
    provide: SecretService,
    inject: [EndpointsRepository, EndpointSecretsRepository],
    useFactory: (endpoints: EndpointsRepository, secrets: EndpointSecretsRepository) =>
      new SecretService(endpoints, secrets),
  },
  {
    provide: EventLogService,
    inject: [EventsRepository, DeliveriesRepository, AttemptsRepository],
    useFactory: (events: EventsRepository, deliveries: DeliveriesRepository, attempts: AttemptsRepository) =>
      new EventLogService(events, deliveries, attempts),
  },
  {
    provide: ReplayService,
    inject: [DATA_SOURCE, EndpointsRepository, EventsRepository, DeliveriesRepository, PRODUCER, TOPICS],
    useFactory: (
      db: DataSource | null,
      endpoints: EndpointsRepository,
      events: EventsRepository,
      deliveries: DeliveriesRepository,
      producer: BatchingProducer,
      topics: TopicNames,
    ) =>
      new ReplayService(
        { store: new ReplayStore(required(db)), endpoints, events, deliveries },
        (tasks) =>
          producer.sendMany(
            topics.deliveries,
            tasks.map((task) => ({
              key: task.endpointId,
              value: stringifyJson(task),
              headers: traceHeaders(),
            })),
          ),
        (endpointId) => cancelEndpointRetries(required(db), endpointId),
      ),
  },
  {
    provide: EventPublisher,
    inject: [PRODUCER, TOPICS],
    useFactory: (producer: BatchingProducer, topics: TopicNames) =>
      new EventPublisher(producer, topics.events, (fallback) => {
        // The publish is the first hop of the event's trace (a child of the caller's traceparent).
        const span = startHopSpan('publish event', fallback, {}, SpanKind.PRODUCER);
        span.end('published');
        return traceHeaders(span.traceparent);
      }),
  },
];

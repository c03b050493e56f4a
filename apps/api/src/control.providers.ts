import type { Provider } from '@nestjs/common';
import {
  EndpointService,
  EndpointStore,
  EventLogService,
  EventLogStore,
  EventPublisher,
  ReplayService,
  ReplayStore,
  SecretService,
  SecretStore,
} from '@gateway/control';
import { traceHeaders, type BatchingProducer } from '@gateway/kafka';
import { SpanKind, startHopSpan } from '@gateway/observability';
import { cancelEndpointRetries, type DataSource } from '@gateway/persistence';
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
    inject: [DATA_SOURCE],
    useFactory: (db: DataSource | null) => new EndpointService(new EndpointStore(required(db))),
  },
  {
    provide: SecretService,
    inject: [DATA_SOURCE],
    useFactory: (db: DataSource | null) => new SecretService(new SecretStore(required(db))),
  },
  {
    provide: EventLogService,
    inject: [DATA_SOURCE],
    useFactory: (db: DataSource | null) => new EventLogService(new EventLogStore(required(db))),
  },
  {
    provide: ReplayService,
    inject: [DATA_SOURCE, PRODUCER, TOPICS],
    useFactory: (db: DataSource | null, producer: BatchingProducer, topics: TopicNames) =>
      new ReplayService(
        new ReplayStore(required(db)),
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

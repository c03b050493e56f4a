import type { Provider } from '@nestjs/common';
import {
  EndpointService,
  EventLogService,
  EventLogStore,
  EventPublisher,
  ReplayService,
  ReplayStore,
  SecretService,
} from '@gateway/control';
import { traceHeaders, type BatchingProducer } from '@gateway/kafka';
import { SpanKind, startHopSpan } from '@gateway/observability';
import {
  cancelEndpointRetries,
  EndpointSecretsRepository,
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
    inject: [DATA_SOURCE],
    useFactory: (db: DataSource | null) => new EventLogService(new EventLogStore(required(db))),
  },
  {
    provide: ReplayService,
    inject: [DATA_SOURCE, EndpointsRepository, PRODUCER, TOPICS],
    useFactory: (
      db: DataSource | null,
      endpoints: EndpointsRepository,
      producer: BatchingProducer,
      topics: TopicNames,
    ) =>
      new ReplayService(
        new ReplayStore(required(db)),
        endpoints,
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

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
import { DATA_SOURCE, PRODUCER } from '@gateway/platform';
import { deliveryTask } from '@gateway/schemas';

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
    inject: [DATA_SOURCE, PRODUCER],
    useFactory: (db: DataSource | null, producer: BatchingProducer) =>
      new ReplayService(
        new ReplayStore(required(db)),
        (tasks) =>
          producer.produce(
            deliveryTask,
            tasks.map((task) => ({ value: task, headers: traceHeaders() })),
          ),
        (endpointId) => cancelEndpointRetries(required(db), endpointId),
      ),
  },
  {
    provide: EventPublisher,
    inject: [PRODUCER],
    useFactory: (producer: BatchingProducer) =>
      new EventPublisher(producer, (fallback) => {
        // The publish is the first hop of the event's trace (a child of the caller's traceparent).
        const span = startHopSpan('publish event', fallback, {}, SpanKind.PRODUCER);
        span.end('published');
        return traceHeaders(span.traceparent);
      }),
  },
];

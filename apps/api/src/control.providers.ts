import type { Provider } from '@nestjs/common';
import {
  EndpointService,
  EndpointStatusService,
  EventLogService,
  EventPublisher,
  EventTypeService,
  ReplayService,
  SecretService,
  type EmitDeliveries,
} from '@gateway/control';
import { traceHeaders, type BatchingProducer } from '@gateway/kafka';
import { SpanKind, startHopSpan } from '@gateway/observability';
import {
  AttemptsRepository,
  DeadLettersRepository,
  DeliveriesRepository,
  EndpointSecretsRepository,
  EndpointsRepository,
  EventsRepository,
  RetriesRepository,
} from '@gateway/persistence';
import { CONFIG, PRODUCER, provideClass } from '@gateway/platform';
import type { AppConfig } from './config';
import { deliveryTask } from '@gateway/schemas';

/** Sends delivery tasks to the deliveries topic (replay, recover, redrive, test events); settles after the ack. */
export const emitDeliveries =
  (producer: BatchingProducer): EmitDeliveries =>
  (tasks) =>
    producer.produce(
      deliveryTask,
      tasks.map((task) => ({ value: task, headers: traceHeaders() })),
    );

/** The control services (plain classes in @gateway/control) wired to the platform's resources. */
export const controlProviders: Provider[] = [
  provideClass(EndpointStatusService, [EndpointsRepository, RetriesRepository, DeliveriesRepository]),
  {
    provide: EndpointService,
    inject: [CONFIG, EndpointsRepository, EndpointStatusService, EventTypeService],
    useFactory: (
      config: Pick<AppConfig, 'EVENT_TYPES_STRICT'>,
      endpoints: EndpointsRepository,
      status: EndpointStatusService,
      eventTypes: EventTypeService,
    ) =>
      new EndpointService(
        endpoints,
        status,
        config.EVENT_TYPES_STRICT ? (patterns) => eventTypes.unknownTypes(patterns) : undefined,
      ),
  },
  provideClass(SecretService, [EndpointsRepository, EndpointSecretsRepository]),
  provideClass(EventLogService, [EventsRepository, DeliveriesRepository, AttemptsRepository]),
  {
    provide: ReplayService,
    inject: [
      EndpointsRepository,
      EventsRepository,
      DeliveriesRepository,
      RetriesRepository,
      DeadLettersRepository,
      PRODUCER,
    ],
    useFactory: (
      endpoints: EndpointsRepository,
      events: EventsRepository,
      deliveries: DeliveriesRepository,
      retries: RetriesRepository,
      deadLetters: DeadLettersRepository,
      producer: BatchingProducer,
    ) => new ReplayService({ endpoints, events, deliveries, retries, deadLetters }, emitDeliveries(producer)),
  },
  {
    provide: EventPublisher,
    inject: [PRODUCER, EventTypeService],
    useFactory: (producer: BatchingProducer, eventTypes: EventTypeService) =>
      new EventPublisher(
        producer,
        (fallback) => {
          // The publish is the first hop of the event's trace (a child of the caller's traceparent).
          const span = startHopSpan('publish event', fallback, {}, SpanKind.PRODUCER);
          span.end('published');
          return traceHeaders(span.traceparent);
        },
        (type, data) => eventTypes.dataIssues(type, data),
      ),
  },
];

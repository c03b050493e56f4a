import type { DeliveriesRepository, EndpointsRepository, EventsRepository } from '@gateway/persistence';
import { deliveryIdFor } from '@gateway/routing';
import { newEventId } from '../ids';
import { toTask, type EmitDeliveries } from '../replay/replay.service';
import type { TestEventBody, TestEventView } from './console.schemas';

/**
 * A test event for one endpoint (ADR 0030): recorded in the event log as the endpoint's tenant's
 * event, its delivery recorded as routed, and its task sent straight to the deliveries topic, the
 * path a replay to a new subscriber takes. It never goes through the router, so no other endpoint
 * receives it whatever its subscription.
 */
export class TestEventService {
  constructor(
    private readonly tables: {
      endpoints: Pick<EndpointsRepository, 'find'>;
      events: Pick<EventsRepository, 'insert'>;
      deliveries: Pick<DeliveriesRepository, 'ensureRouted'>;
    },
    private readonly emit: EmitDeliveries,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Undefined when there is no such endpoint (or it is another tenant's). */
  async deliver(
    endpointId: string,
    body: TestEventBody,
    confinedTo?: string,
  ): Promise<TestEventView | undefined> {
    const endpoint = await this.tables.endpoints.find(endpointId, confinedTo);
    if (!endpoint) return undefined;
    const occurredAt = this.now();
    const event = { id: newEventId(), type: body.eventType, tenant: endpoint.tenant, data: body.data };
    const deliveryId = deliveryIdFor(event.id, endpointId);
    // Accepted now: the event's time is its partition key, and every row of it carries the same (ADR 0028).
    await this.tables.events.insert({
      ...event,
      occurredAt: occurredAt.toISOString(),
      receivedAt: occurredAt.toISOString(),
    });
    await this.tables.deliveries.ensureRouted([
      { id: deliveryId, eventId: event.id, endpointId, createdAt: occurredAt },
    ]);
    await this.emit([
      toTask({
        deliveryId,
        endpointId,
        eventId: event.id,
        type: event.type,
        tenant: event.tenant,
        data: event.data,
        occurredAt,
        receivedAt: occurredAt,
        nextAttempt: 1,
      }),
    ]);
    return { eventId: event.id, deliveryId };
  }
}

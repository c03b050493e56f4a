import type { AcceptedMessage } from '@gateway/kafka';
import { metrics, startHopSpan, type HopSpan } from '@gateway/observability';
import type { DeliveryClaim, NewEvent, SubscriptionRow } from '@gateway/persistence';
import type { DeliveryTask, EventMessage } from '@gateway/schemas';
import { deliveryIdFor } from './delivery-id';
import { eventIdFor } from './event-id';
import type { PayloadFilter } from './payload-filter';
import { buildMatcher } from './subscription-matcher';

/** A task to emit, and the message (`topic:partition:offset`) that claims its delivery. */
interface Planned {
  task: DeliveryTask;
  traceparent: string | undefined;
  claimedBy: string;
}

/** The I/O the router needs, so the routing steps read in order and tests can see each one. */
export interface RouterPorts {
  /**
   * Records events and inserts deliveries (one round trip); returns the delivery ids still to emit
   * (new, or never acknowledged by Kafka), each with its accepted time as recorded. The map may be
   * shared with other batches recorded in the same statement: an id is taken by deleting it, so it
   * is emitted once.
   */
  recordAndClaim(events: NewEvent[], deliveries: DeliveryClaim[]): Promise<Map<string, Date>>;
  emit(tasks: { task: DeliveryTask; traceparent: string | undefined }[]): Promise<void>;
  markRouted(marks: { id: string; createdAt: Date }[]): Promise<void>;
}

/**
 * Routes a batch of events: match each against the in-memory subscriptions, record events and
 * deliveries (one statement per batch), emit one task per (event, endpoint) and only then mark
 * them routed. If anything fails the batch is not committed and is routed again, without duplicates.
 */
export class EventRouter {
  private match = buildMatcher([]);
  private count = 0;

  constructor(
    private readonly ports: RouterPorts,
    private readonly onMarkError: (error: unknown) => void = () => undefined,
  ) {}

  setSubscriptions(rows: SubscriptionRow[]): void {
    this.match = buildMatcher(rows.map((row) => ({ ...row, filter: row.filter as PayloadFilter | null })));
    this.count = rows.length;
    metrics.subscriptionsLoaded.set(rows.length);
  }

  subscriptionCount(): number {
    return this.count;
  }

  async route(messages: AcceptedMessage<EventMessage>[], topic: string, partition: number): Promise<void> {
    const events: NewEvent[] = [];
    const planned: Planned[] = [];
    const spans: HopSpan[] = [];
    for (const message of messages) {
      const value = message.value;
      const event = {
        id: value.id ?? eventIdFor(topic, partition, message.offset),
        type: value.type,
        tenant: value.tenant ?? null,
        data: value.data,
        occurredAt: value.occurredAt ?? new Date(message.timestamp).toISOString(),
        // The accepted time: the record's, identical on every read of it (the partition key, ADR 0028).
        receivedAt: new Date(message.timestamp).toISOString(),
      };
      events.push(event);
      const span = startHopSpan('route event', message.traceparent, {
        'gateway.event.id': event.id,
        'gateway.event.type': event.type,
      });
      spans.push(span);
      const endpointIds = this.match({ type: event.type, tenant: event.tenant, data: event.data });
      metrics.eventsRouted.inc({ outcome: endpointIds.length > 0 ? 'matched' : 'unmatched' });
      for (const endpointId of endpointIds) {
        planned.push({
          task: {
            deliveryId: deliveryIdFor(event.id, endpointId),
            endpointId,
            attempt: 1,
            event,
            orderingKey: value.orderingKey ?? message.key,
            publishedAt: message.timestamp,
            acceptedAt: message.timestamp,
          },
          traceparent: span.traceparent,
          claimedBy: `${topic}:${partition}:${message.offset}`,
        });
      }
    }
    try {
      await this.recordAndEmit(events, planned);
      for (const span of spans) span.end('routed');
    } catch (error) {
      for (const span of spans) span.end('failed', (error as Error).message);
      throw error;
    }
  }

  private async recordAndEmit(events: NewEvent[], planned: Planned[]): Promise<void> {
    const toEmit = await this.ports.recordAndClaim(
      events,
      planned.map(({ task, claimedBy }) => ({
        id: task.deliveryId,
        eventId: task.event.id,
        endpointId: task.endpointId,
        claimedBy,
        createdAt: new Date(task.acceptedAt ?? task.publishedAt).toISOString(),
      })),
    );
    if (planned.length === 0) return;
    const emitting: { task: DeliveryTask; traceparent: string | undefined; createdAt: Date }[] = [];
    for (const { task, traceparent } of planned) {
      const createdAt = toEmit.get(task.deliveryId);
      if (createdAt === undefined) continue;
      toEmit.delete(task.deliveryId);
      // The delivery's accepted time as recorded (a copy's may differ): its partition key, which the
      // attempts and every later task of it use.
      emitting.push({ task: { ...task, acceptedAt: createdAt.getTime() }, traceparent, createdAt });
    }
    if (emitting.length < planned.length)
      metrics.eventsRouted.inc({ outcome: 'duplicate' }, planned.length - emitting.length);
    if (emitting.length === 0) return;
    await this.ports.emit(emitting.map(({ task, traceparent }) => ({ task, traceparent })));
    metrics.deliveriesEmitted.inc(emitting.length);
    // Off the critical path: a crash before it only means a duplicate event id published later
    // could be routed once more (at least once); the tasks themselves are already durable.
    this.ports
      .markRouted(emitting.map(({ task, createdAt }) => ({ id: task.deliveryId, createdAt })))
      .catch((error: unknown) => this.onMarkError(error));
  }
}

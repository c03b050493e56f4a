import type { BatchingProducer, MessageTooLargeError } from '@gateway/kafka';
import { validTraceparent } from '@gateway/observability';
import { EVENT_MAX_BYTES, eventMessage, type EventMessage } from '@gateway/schemas';
import { newEventId } from '../ids';

/** Keeps one record well under Kafka's default 1 MB `message.max.bytes` (the events contract's own limit). */
export const maxEventBytes = EVENT_MAX_BYTES;

export type PublishOutcome =
  | { outcome: 'published'; id: string }
  | { outcome: 'too-large'; id: string; bytes: number }
  /** The data fails its type's schema in the catalog: nothing is sent. */
  | { outcome: 'schema-violation'; id: string; errors: { path: string; message: string }[] }
  /** Kafka did not acknowledge: the event may or may not be on the topic; retry with the same id. */
  | { outcome: 'kafka-unavailable'; id: string };

/** Completes an event as the topic carries it: an id (the idempotency key) and an occurredAt. */
export function completeEvent(
  input: EventMessage,
  now: Date,
): EventMessage & { id: string; occurredAt: string } {
  return { ...input, id: input.id ?? newEventId(), occurredAt: input.occurredAt ?? now.toISOString() };
}

/** Kafka's errors are matched by their stable code, so that this lib does not load kafkajs. */
const hasCode = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as { code?: unknown }).code === code;

const isTooLarge = (error: unknown): error is MessageTooLargeError => hasCode(error, 'message_too_large');

/** `POST /v1/events`: writes the event to `webhooks.events` and settles only after Kafka's ack. */
export class EventPublisher {
  constructor(
    private readonly producer: Pick<BatchingProducer, 'produce'>,
    /** W3C trace headers of the active span, else of the given fallback (`traceHeaders` of @gateway/kafka). */
    private readonly traceHeaders: (fallback?: string) => Record<string, string>,
    /** The catalog's check of `data` for its type (`EventTypeService.dataIssues`); absent: none. */
    private readonly dataIssues: (
      type: string,
      data: unknown,
    ) => { path: string; message: string }[] | undefined = () => undefined,
  ) {}

  /** `traceparent` is the caller's; it travels on when no span of ours is active. */
  /** `confinedTo`: a tenant's caller publishes that tenant's event, whatever the body's `tenant` says. */
  async publish(input: EventMessage, traceparent?: string, confinedTo?: string): Promise<PublishOutcome> {
    const event = completeEvent(
      confinedTo === undefined ? input : { ...input, tenant: confinedTo },
      new Date(),
    );
    const errors = this.dataIssues(event.type, event.data);
    if (errors) return { outcome: 'schema-violation', id: event.id, errors };
    const headers = this.traceHeaders(validTraceparent(traceparent));
    try {
      // Over the contract's limit (maxEventBytes), nothing is sent. No linger: the events published
      // in one turn of the event loop leave together (ADR 0033).
      await this.producer.produce(eventMessage, [{ value: event, headers }], { refuseOverLimit: true });
    } catch (error) {
      if (isTooLarge(error)) return { outcome: 'too-large', id: event.id, bytes: error.bytes };
      if (hasCode(error, 'kafka_unavailable')) return { outcome: 'kafka-unavailable', id: event.id };
      throw error;
    }
    return { outcome: 'published', id: event.id };
  }
}

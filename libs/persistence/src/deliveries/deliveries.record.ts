import { z } from 'zod';
import type { EventRecord } from '../events/events.record';

export const deliveryStatus = z.enum(['pending', 'delivered', 'retrying', 'dead', 'cancelled']);
export type DeliveryStatus = z.infer<typeof deliveryStatus>;

/** A `deliveries` row: one event for one endpoint (the router inserts it, the dispatcher moves its status). */
export const deliveryRecord = z.object({
  id: z.string().describe('The delivery id, sent as `webhook-id`.'),
  eventId: z.string(),
  endpointId: z.string(),
  status: deliveryStatus,
  attempts: z.number().int().describe('Attempts made so far.'),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** When the dispatcher retries an ordered endpoint's head in place. */
  nextAttemptAt: z.date().nullable(),
  /**
   * Set once Kafka acknowledged the delivery's task: by the router's mark, or by the record of its
   * first attempt (ADR 0009, 0032).
   */
  routedAt: z.date().nullable(),
  /** The Kafka messages (`topic:partition:offset`, newline-separated) that claimed it before it was routed. */
  claimedBy: z.string().nullable(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecord>;

/**
 * A delivery to claim, and the Kafka message (`topic:partition:offset`) that claims it; `createdAt` is
 * its event's accepted time (ISO text), the partition key (ADR 0028).
 */
export type DeliveryClaim = Pick<DeliveryRecord, 'id' | 'eventId' | 'endpointId'> & {
  claimedBy: string;
  createdAt: string;
};

/** What sending a delivery again needs: its event, and the next attempt's number. */
export type ReplayRow = Pick<EventRecord, 'type' | 'tenant' | 'data' | 'occurredAt' | 'receivedAt'> & {
  deliveryId: DeliveryRecord['id'];
  endpointId: DeliveryRecord['endpointId'];
  eventId: DeliveryRecord['eventId'];
  nextAttempt: number;
};

/** One bucket of an endpoint's stats: its deliveries created then, and their attempts' p95 duration. */
export interface EndpointStatsBucket {
  start: Date;
  deliveries: number;
  succeeded: number;
  failed: number;
  /** Null when no attempt was made yet. */
  p95LatencyMs: number | null;
}

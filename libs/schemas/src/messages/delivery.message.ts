import { z } from 'zod';
import type { MessageContract } from '../contract';
import { eventData } from '../json';
import { timestamp } from '../timestamp';

export const deliveryEvent = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: eventData,
  tenant: z.string().nullable(),
  occurredAt: timestamp,
});

const schema = z.object({
  deliveryId: z.string().min(1),
  endpointId: z.string().min(1),
  /** Within PostgreSQL's int (attempts.attempt); a policy allows 50 at most. */
  attempt: z.number().int().min(1).max(2_147_483_647),
  event: deliveryEvent,
  orderingKey: z.string().nullable(),
  /** Epoch ms when the event entered the gateway (for end-to-end latency). */
  publishedAt: z.number().int(),
  /**
   * Epoch ms when the gateway accepted the event (its recorded time): where its rows are partitioned
   * (ADR 0028). Absent in tasks sent before it existed; their attempts take their delivery's time.
   */
  acceptedAt: z.number().int().optional(),
});

export type DeliveryTask = z.infer<typeof schema>;

/** `webhooks.deliveries`: one event for one endpoint, keyed by endpoint so its tasks stay in order. */
export const deliveryTask: MessageContract<typeof schema> = {
  topic: 'deliveries',
  schema,
  key: (value) => value.endpointId,
  encoding: 'exact-json',
};

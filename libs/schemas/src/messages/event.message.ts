import { z } from 'zod';
import type { MessageContract } from '../contract';
import { eventData } from '../json';
import { timestamp } from '../timestamp';
import { EVENT_MAX_BYTES } from '../json-budget';

const schema = z.object({
  type: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, ".", "_", ":" and "-" only'),
  data: eventData,
  id: z.string().min(1).max(200).optional(),
  tenant: z.string().min(1).max(200).optional(),
  occurredAt: timestamp.optional(),
  orderingKey: z.string().min(1).max(200).optional(),
});

export type EventMessage = z.infer<typeof schema>;

/** `webhooks.events`: what internal services (in any language) and the API publish. */
export const eventMessage: MessageContract<typeof schema> = {
  topic: 'events',
  schema,
  key: (value) => value.orderingKey ?? value.id ?? value.type,
  encoding: 'exact-json',
  // Its delivery tasks carry it with an envelope, and must still fit Kafka's message size.
  maxBytes: EVENT_MAX_BYTES,
};

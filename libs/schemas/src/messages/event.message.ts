import { z } from 'zod';
import type { MessageContract } from '../contract';
import { jsonValue } from '../json';

const schema = z.object({
  type: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, ".", "_", ":" and "-" only'),
  data: jsonValue,
  id: z.string().min(1).max(200).optional(),
  tenant: z.string().min(1).max(200).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  orderingKey: z.string().min(1).max(200).optional(),
});

export type EventMessage = z.infer<typeof schema>;

/** `webhooks.events`: what internal services (in any language) and the API publish. */
export const eventMessage: MessageContract<typeof schema> = {
  topic: 'events',
  schema,
  key: (value) => value.orderingKey ?? value.id ?? value.type,
};

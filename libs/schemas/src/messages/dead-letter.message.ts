import { z } from 'zod';
import type { MessageContract } from '../contract';
import { deliveryTask } from './delivery.message';

const schema = z.object({
  task: deliveryTask.schema,
  deadAt: z.iso.datetime(),
  lastError: z.string(),
  lastStatusCode: z.number().int().nullable(),
  attempts: z.number().int().min(1),
});

export type DeadLetter = z.infer<typeof schema>;

/** `webhooks.dead-letter`: a delivery that exhausted its retries. */
export const deadLetter: MessageContract<typeof schema> = {
  topic: 'deadLetter',
  schema,
  key: (value) => value.task.endpointId,
  encoding: 'exact-json',
};

import { z } from 'zod';
import type { MessageContract } from '../contract';
import { deliveryTask } from './delivery.message';

const schema = z.object({
  task: deliveryTask.schema,
  /** Epoch ms at which the next attempt (task.attempt) may start. */
  dueAt: z.number().int(),
  lastError: z.string(),
  lastStatusCode: z.number().int().nullable(),
});

export type RetryTask = z.infer<typeof schema>;

/** `webhooks.retries`: a failed delivery waiting for its next attempt. */
export const retryTask: MessageContract<typeof schema> = {
  topic: 'retries',
  schema,
  key: (value) => value.task.endpointId,
};

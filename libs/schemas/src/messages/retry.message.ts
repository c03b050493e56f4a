import { z } from 'zod';
import type { MessageContract } from '../contract';
import { deliveryTask } from './delivery.message';

/** 9999-12-31T23:59:59.999Z: a later due date is no date, and only fails where it is stored. */
const MAX_EPOCH_MS = 253_402_300_799_999;

const schema = z.object({
  task: deliveryTask.schema,
  /** Epoch ms at which the next attempt (task.attempt) may start. */
  dueAt: z.number().int().min(0).max(MAX_EPOCH_MS),
  lastError: z.string(),
  lastStatusCode: z.number().int().nullable(),
});

export type RetryTask = z.infer<typeof schema>;

/** `webhooks.retries`: a failed delivery waiting for its next attempt. */
export const retryTask: MessageContract<typeof schema> = {
  topic: 'retries',
  schema,
  key: (value) => value.task.endpointId,
  encoding: 'exact-json',
};

import { z } from 'zod';

/** A `dead_letters` row: an exhausted delivery, listed and redriven by the API. */
export const deadLetterRecord = z.object({
  deliveryId: z.string(),
  /** The last attempt made. */
  attempt: z.number().int(),
  endpointId: z.string(),
  eventId: z.string(),
  deadAt: z.date(),
  lastError: z.string(),
  lastStatusCode: z.number().int().nullable(),
  /** The delivery task, a `json` column. */
  task: z.unknown(),
  redrivenAt: z.date().nullable(),
});
export type DeadLetterRecord = z.infer<typeof deadLetterRecord>;

/** A dead letter to record: its time as the message has it (ISO text), the task as JSON text. */
export type DeadLetterRow = Omit<DeadLetterRecord, 'deadAt' | 'task' | 'redrivenAt'> & {
  deadAt: string;
  task: string;
};

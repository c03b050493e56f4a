import { z } from 'zod';

/** A `retries` row: a failed delivery's next attempt, held until due (the scheduler's durable store, ADR 0007). */
export const retryRecord = z.object({
  deliveryId: z.string(),
  attempt: z.number().int().describe('The attempt that will be made when due.'),
  endpointId: z.string(),
  dueAt: z.date(),
  /** The delivery task, a `json` column (kept out of the scheduler's heap until it fires). */
  task: z.unknown(),
  traceparent: z.string().nullable(),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  /** The scheduler instance holding it, and until when (a lease). */
  claimedBy: z.string().nullable(),
  claimedUntil: z.date().nullable(),
  createdAt: z.date(),
  /** Which stored copy this is; a fired copy is deleted by its token only. */
  token: z.string(),
});
export type RetryRecord = z.infer<typeof retryRecord>;

/** A retry's key. */
export type RetryKey = Pick<RetryRecord, 'deliveryId' | 'attempt'>;

/** A retry to store: due time in epoch milliseconds, the task as JSON text. */
export type RetryRow = RetryKey &
  Pick<RetryRecord, 'endpointId' | 'traceparent' | 'lastStatusCode'> & {
    dueAt: number;
    task: string;
    lastError: string;
  };

/** A retry claimed by a scheduler: the task (parsed JSON) held only while inside the claim window. */
export type ClaimedRetry = RetryKey & Pick<RetryRecord, 'task' | 'traceparent' | 'token'> & { dueAt: number };

/** A retry that fired, named by the copy's token. */
export type FiredRetry = RetryKey & Pick<RetryRecord, 'token'>;

import { z } from 'zod';
import type { DeliveryRecord } from '../deliveries/deliveries.record';

/** An `attempts` row: one HTTP try of a delivery. */
export const attemptRecord = z.object({
  deliveryId: z.string(),
  attempt: z.number().int().describe('1 for the first attempt.'),
  startedAt: z.date(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable().describe('The HTTP status; null when no response came.'),
  error: z.string().nullable().describe('Why the attempt failed, when it did.'),
  responseBody: z.string().nullable().describe('The start of the response body (truncated).'),
});
export type AttemptRecord = z.infer<typeof attemptRecord>;

/** An attempt the dispatcher records, with what it did to its delivery. */
export type AttemptRow = AttemptRecord & {
  /** The delivery's status after this attempt. */
  status: Exclude<DeliveryRecord['status'], 'pending'>;
  nextAttemptAt: DeliveryRecord['nextAttemptAt'];
  /**
   * Its event's accepted time, the partition key (ADR 0028), from the task; null for a task sent
   * before tasks carried it: the delivery row's time is read instead.
   */
  eventReceivedAt: Date | null;
};

/** The key `recorded` answers with: delivery id and attempt number. */
export const attemptKey = (deliveryId: string, attempt: number): string => `${deliveryId}#${attempt}`;

import { z } from 'zod';

/** An `events` row: an event as the router recorded it (the API's event log reads it). */
export const eventRecord = z.object({
  id: z.string(),
  type: z.string(),
  tenant: z.string().nullable(),
  /** A `json` column: the published data as written, its exact numbers kept (ADR 0013). */
  data: z.unknown().describe('The published data, as given.'),
  occurredAt: z.date(),
  /**
   * When the gateway accepted it (its Kafka record's time), which the router records and every later
   * writer carries: the day partition it lives in (ADR 0028).
   */
  receivedAt: z.date(),
});
export type EventRecord = z.infer<typeof eventRecord>;

/**
 * An event to record: `occurredAt` as the message has it, `receivedAt` its accepted time (ISO text;
 * an event id already recorded keeps the time it was first recorded with).
 */
export type NewEvent = Pick<EventRecord, 'id' | 'type' | 'tenant' | 'data'> & {
  occurredAt: string;
  receivedAt: string;
};

import { z } from 'zod';

/** An `events` row: an event as the router recorded it (the API's event log reads it). */
export const eventRecord = z.object({
  id: z.string(),
  type: z.string(),
  tenant: z.string().nullable(),
  /** A `json` column: the published data as written, its exact numbers kept (ADR 0013). */
  data: z.unknown().describe('The published data, as given.'),
  occurredAt: z.date(),
  /** When the router recorded it. */
  receivedAt: z.date(),
});
export type EventRecord = z.infer<typeof eventRecord>;

/** An event to record: `occurredAt` as the message has it (ISO text); `receivedAt` is the insert's time. */
export type NewEvent = Pick<EventRecord, 'id' | 'type' | 'tenant' | 'data'> & { occurredAt: string };

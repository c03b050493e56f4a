import { z } from 'zod';

/** An `event_types` row: the one declaration of its shape (the API's view and the catalogs derive from it). */
export const eventTypeRecord = z.object({
  name: z.string().describe('The type, e.g. invoice.paid: the id.'),
  description: z.string().nullable(),
  /** A JSON Schema (draft 2020-12) for the event's `data`; null: any data. */
  schema: z.record(z.string(), z.unknown()).nullable(),
  examples: z.array(z.unknown()),
  deprecated: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type EventTypeRecord = z.infer<typeof eventTypeRecord>;

/** The fields an operator sets; `null` clears an optional one. */
export type EventTypeFields = Omit<EventTypeRecord, 'name' | 'createdAt' | 'updatedAt'>;

/** What a catalog keeps in memory: the schema and the version it is compiled for. */
export type EventTypeSchemaRow = Pick<EventTypeRecord, 'name' | 'schema' | 'updatedAt'>;

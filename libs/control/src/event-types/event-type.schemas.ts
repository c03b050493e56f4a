import { z } from 'zod';
import { eventTypeRecord } from '@gateway/persistence';
import { eventMessage, numberBeyondDoubleRange } from '@gateway/schemas';
import { pageQuery, timeSortKey } from '../pagination';

const name = eventMessage.schema.shape.type.describe('The type events carry, e.g. invoice.paid (the id).');
const description = z.string().max(2000).describe('What the event means, for the people who subscribe.');
const storable = (value: unknown): boolean => numberBeyondDoubleRange(value) === undefined;
const schema = z
  .record(z.string(), z.unknown())
  .refine(storable, "numbers must be within a double's range")
  .describe(
    'A JSON Schema (draft 2020-12) for the event\'s `data`; local `$ref`s only ("#..."), no `$id`, `uniqueItems` only with `maxItems` ≤ 1000, at most 64 KiB and 32 levels deep; `pattern` runs on RE2 (no lookaround, no backreferences). Omitted or null: any data.',
  );
const examples = z
  .array(z.unknown())
  .max(10)
  .refine(storable, "numbers must be within a double's range")
  .describe("Example values of `data`; each must pass the type's schema.");
const deprecated = z
  .boolean()
  .describe('Publishers should stop sending it; events of it are still accepted.');

/** `POST /v1/event-types`. */
export const createEventTypeBody = z.strictObject({
  name,
  description: description.optional(),
  schema: schema.nullable().optional(),
  examples: examples.default([]),
  deprecated: deprecated.default(false),
});
export type CreateEventType = z.infer<typeof createEventTypeBody>;

/** `PATCH /v1/event-types/:name`: every field optional; `null` clears description or schema. */
export const updateEventTypeBody = z.strictObject({
  description: description.nullable().optional(),
  schema: schema.nullable().optional(),
  examples: examples.optional(),
  deprecated: deprecated.optional(),
});
export type UpdateEventType = z.infer<typeof updateEventTypeBody>;

/** `GET /v1/event-types`. */
export const eventTypeListQuery = z.object({ ...pageQuery(timeSortKey) });
export type EventTypeListQuery = z.infer<typeof eventTypeListQuery>;

/** A type as the API answers it (its stored record). */
export const eventTypeView = eventTypeRecord.extend({
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type EventTypeView = z.infer<typeof eventTypeView>;

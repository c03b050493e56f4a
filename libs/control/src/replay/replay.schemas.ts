import { z } from 'zod';
import { deadLetterRecord, retryRecord } from '@gateway/persistence';
import { timestamp } from '@gateway/schemas';
import { pageQuery, timeSortKey } from '../pagination';

const time = timestamp;

const window = {
  since: time.optional().describe('From this time (ISO-8601, inclusive).'),
  until: time.optional().describe('Before this time (ISO-8601).'),
};

/** `GET /v1/endpoints/:id/retries`. */
export const retryListQuery = z.object(pageQuery(timeSortKey)).strict();
export type RetryListQuery = z.infer<typeof retryListQuery>;

/** A pending retry as the API answers it (its stored record). */
export const retryView = retryRecord
  .pick({ deliveryId: true, attempt: true, lastError: true, lastStatusCode: true })
  .extend({ eventId: z.string(), dueAt: z.iso.datetime() });
export type RetryView = z.infer<typeof retryView>;

/** `GET /v1/dead-letters`. */
export const deadLetterListQuery = z
  .object({ ...pageQuery(timeSortKey), endpointId: z.string().min(1).optional(), ...window })
  .strict();
export type DeadLetterListQuery = z.infer<typeof deadLetterListQuery>;

/** A dead letter as the API answers it (its stored record, `attempt` named `attempts`, without the task). */
export const deadLetterView = deadLetterRecord
  .pick({ deliveryId: true, eventId: true, endpointId: true, lastError: true, lastStatusCode: true })
  .extend({ attempts: z.number().int(), deadAt: z.iso.datetime(), redrivenAt: z.iso.datetime().nullable() });
export type DeadLetterView = z.infer<typeof deadLetterView>;

/** `POST /v1/dead-letters/redrive`: the list's filters; dead letters not yet redriven. */
export const redriveBody = z.object({ endpointId: z.string().min(1).optional(), ...window }).strict();
export type RedriveBody = z.infer<typeof redriveBody>;

/** `POST /v1/endpoints/:id/recover`: every failed (retrying, dead or cancelled) delivery created in the window. */
export const recoverBody = z
  .object({ since: time.describe('From this time (ISO-8601, inclusive).'), until: window.until })
  .strict();
export type RecoverBody = z.infer<typeof recoverBody>;

export const countView = z.object({ count: z.number().int().describe('Deliveries sent again.') });
export const replayedDeliveryView = z.object({ deliveryId: z.string(), attempt: z.number().int() });

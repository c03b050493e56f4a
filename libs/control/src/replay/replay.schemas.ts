import { z } from 'zod';
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

export const retryView = z.object({
  deliveryId: z.string(),
  eventId: z.string(),
  attempt: z.number().int().describe('The attempt that will be made when due.'),
  dueAt: z.iso.datetime(),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
});
export type RetryView = z.infer<typeof retryView>;

/** `GET /v1/dead-letters`. */
export const deadLetterListQuery = z
  .object({ ...pageQuery(timeSortKey), endpointId: z.string().min(1).optional(), ...window })
  .strict();
export type DeadLetterListQuery = z.infer<typeof deadLetterListQuery>;

export const deadLetterView = z.object({
  deliveryId: z.string(),
  eventId: z.string(),
  endpointId: z.string(),
  attempts: z.number().int(),
  deadAt: z.iso.datetime(),
  lastError: z.string(),
  lastStatusCode: z.number().int().nullable(),
  redrivenAt: z.iso.datetime().nullable(),
});
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

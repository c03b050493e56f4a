import { z } from 'zod';
import { eventMessage, timestamp } from '@gateway/schemas';
import { intSortKey, pageQuery, timeSortKey } from '../pagination';

/** `POST /v1/events`: exactly the `webhooks.events` value. */
export const publishEventBody = eventMessage.schema;

export const publishedEventView = z.object({
  id: z.string().describe('The event id (given, or "evt_" + random).'),
});
export type PublishedEventView = z.infer<typeof publishedEventView>;

const time = timestamp;

/** `GET /v1/events`: newest first by the time the gateway recorded the event. */
export const eventListQuery = z
  .object({
    ...pageQuery(timeSortKey),
    type: z.string().min(1).max(200).optional().describe('Only events of exactly this type.'),
    tenant: z.string().min(1).max(200).optional().describe('Only events of this tenant.'),
    since: time.optional().describe('Only events recorded at or after this time (ISO-8601).'),
    until: time.optional().describe('Only events recorded before this time (ISO-8601).'),
  })
  .refine((query) => !query.since || !query.until || Date.parse(query.since) <= Date.parse(query.until), {
    path: ['until'],
    message: 'until must not be before since',
  });
export type EventListQuery = z.infer<typeof eventListQuery>;

export const eventView = z.object({
  id: z.string(),
  type: z.string(),
  tenant: z.string().nullable(),
  data: z.unknown().describe('The published data, as given.'),
  occurredAt: z.iso.datetime(),
  receivedAt: z.iso.datetime().describe('When the gateway recorded the event.'),
});
export type EventView = z.infer<typeof eventView>;

export const deliveryStatus = z.enum(['pending', 'delivered', 'retrying', 'dead', 'cancelled']);

export const deliveryView = z.object({
  id: z.string().describe('The delivery id, sent as `webhook-id`.'),
  eventId: z.string(),
  endpointId: z.string(),
  status: deliveryStatus,
  attempts: z.number().int().describe('Attempts made so far.'),
  nextAttemptAt: z.iso.datetime().nullable().describe('When the next retry is due, if one is scheduled.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type DeliveryView = z.infer<typeof deliveryView>;

export const attemptView = z.object({
  attempt: z.number().int().describe('1 for the first attempt.'),
  startedAt: z.iso.datetime(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable().describe('The HTTP status; null when no response came.'),
  error: z.string().nullable().describe('Why the attempt failed, when it did.'),
  responseBody: z.string().nullable().describe('The start of the response body (truncated).'),
});
export type AttemptView = z.infer<typeof attemptView>;

/** `GET /v1/events/:id/deliveries`: `?limit=&cursor=` only. */
export const deliveryListQuery = z.object(pageQuery(timeSortKey));
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>;

/** `GET /v1/deliveries/:id/attempts`: `?limit=&cursor=` only. */
export const attemptListQuery = z.object(pageQuery(intSortKey));
export type AttemptListQuery = z.infer<typeof attemptListQuery>;

import { z } from 'zod';
import { attemptRecord, deliveryRecord, deliveryStatus, eventRecord } from '@gateway/persistence';
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
    status: deliveryStatus.optional().describe('Only events with at least one delivery in this status.'),
  })
  .refine((query) => !query.since || !query.until || Date.parse(query.since) <= Date.parse(query.until), {
    path: ['until'],
    message: 'until must not be before since',
  });
export type EventListQuery = z.infer<typeof eventListQuery>;

/** An event as the API answers it (its stored record). */
export const eventView = eventRecord.extend({
  occurredAt: z.iso.datetime(),
  receivedAt: z.iso.datetime().describe('When the gateway recorded the event.'),
});
export type EventView = z.infer<typeof eventView>;

/** A delivery as the API answers it (its stored record, without the router's bookkeeping). */
export const deliveryView = deliveryRecord
  .pick({ id: true, eventId: true, endpointId: true, status: true, attempts: true })
  .extend({
    nextAttemptAt: z.iso.datetime().nullable().describe('When the next retry is due, if one is scheduled.'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  });
export type DeliveryView = z.infer<typeof deliveryView>;

/** An attempt as the API answers it (its stored record). */
export const attemptView = attemptRecord.omit({ deliveryId: true }).extend({ startedAt: z.iso.datetime() });
export type AttemptView = z.infer<typeof attemptView>;

/** `GET /v1/events/:id/deliveries`: `?limit=&cursor=` only. */
export const deliveryListQuery = z.object(pageQuery(timeSortKey));
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>;

/** `GET /v1/deliveries/:id/attempts`: `?limit=&cursor=` only. */
export const attemptListQuery = z.object(pageQuery(intSortKey));
export type AttemptListQuery = z.infer<typeof attemptListQuery>;

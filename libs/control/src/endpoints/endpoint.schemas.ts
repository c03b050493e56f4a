import { z } from 'zod';
import { destinationView, endpointDestination } from '@gateway/delivery';
import { eventTypePattern, payloadFilter } from '@gateway/routing';
import { endpointRecord } from '@gateway/persistence';
import { retryPolicy } from '@gateway/retry';
import { pageQuery, timeSortKey } from '../pagination';
import { signingSecret } from '../secrets/signing-secret';
import { customHeaders, maskedHeaders } from './custom-headers';

const url = z
  .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
  .max(2048)
  .describe('Where deliveries are POSTed (http or https). Give this or `destination`, not both.');
const description = z.string().max(1000).describe('Free text for operators.');
const eventTypes = z
  .array(eventTypePattern)
  .min(1)
  .max(100)
  .describe('Event type patterns the endpoint subscribes to: "invoice.paid", "invoice.*" or "*".');
const tenant = z.string().min(1).max(200).describe('Only events of this tenant; absent = every tenant.');
const rateLimit = z
  .strictObject({ perSecond: z.number().positive().max(100_000).describe('Deliveries per second at most.') })
  .describe('Rate limit of deliveries to this endpoint.');

/** `POST /v1/endpoints`: exactly one of `url` and `destination`. */
export const createEndpointBody = z
  .strictObject({
    url: url.optional(),
    destination: endpointDestination.optional(),
    description: description.optional(),
    eventTypes: eventTypes.default(['*']),
    filter: payloadFilter.optional(),
    tenant: tenant.optional(),
    ordered: z.boolean().default(false).describe('Deliver one at a time in publish order per ordering key.'),
    retryPolicy: retryPolicy.optional(),
    rateLimit: rateLimit.optional(),
    headers: customHeaders.default({}),
    enabled: z.boolean().default(true),
    secret: signingSecret.optional(),
  })
  .superRefine((body, context) => {
    if ((body.url === undefined) === (body.destination === undefined))
      context.addIssue({ code: 'custom', path: ['url'], message: 'give either url or destination' });
  });
export type CreateEndpoint = z.infer<typeof createEndpointBody>;

/**
 * `PATCH /v1/endpoints/:id`: every field optional; `null` clears an optional one. A new `url`
 * replaces the destination, a new `destination` the URL; `destination: null` goes with a `url`.
 */
export const updateEndpointBody = z
  .strictObject({
    url: url.optional(),
    destination: endpointDestination.nullable().optional(),
    description: description.nullable().optional(),
    eventTypes: eventTypes.optional(),
    filter: payloadFilter.nullable().optional(),
    tenant: tenant.nullable().optional(),
    ordered: z.boolean().optional(),
    retryPolicy: retryPolicy.nullable().optional(),
    rateLimit: rateLimit.nullable().optional(),
    headers: customHeaders.optional(),
    enabled: z.boolean().optional(),
  })
  .superRefine((patch, context) => {
    if (patch.url !== undefined && patch.destination)
      context.addIssue({ code: 'custom', path: ['url'], message: 'give either url or destination' });
    if (patch.destination === null && patch.url === undefined)
      context.addIssue({
        code: 'custom',
        path: ['destination'],
        message: 'an endpoint without a destination needs a url',
      });
  });
export type UpdateEndpoint = z.infer<typeof updateEndpointBody>;

/**
 * A Kafka destination on the gateway's own cluster may not name one of the gateway's topics: its
 * messages would come back as events (a loop) or tasks. The dispatcher refuses them too.
 */
export function gatewayTopicIssue(
  destination: z.infer<typeof endpointDestination> | null | undefined,
  gatewayTopics: readonly string[],
): { path: string; message: string } | undefined {
  if (destination?.type !== 'kafka' || destination.brokers || !gatewayTopics.includes(destination.topic))
    return undefined;
  return { path: 'destination.topic', message: "one of the gateway's own topics" };
}

const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

/** `GET /v1/endpoints`. */
export const endpointListQuery = z.object({
  ...pageQuery(timeSortKey),
  tenant: tenant.optional(),
  enabled: booleanQuery.optional().describe('Only enabled (true) or disabled (false) endpoints.'),
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Only endpoints whose id, url or description contains this text (any case; % and _ are literal).',
    ),
});
export type EndpointListQuery = z.infer<typeof endpointListQuery>;

/** An endpoint as the API answers it (its stored record); its secrets only come from the secret routes. */
export const endpointView = endpointRecord.omit({ failingSince: true, destination: true }).extend({
  url: z.string().nullable().describe('null when the endpoint has a destination.'),
  destination: destinationView.nullable().describe('null: deliveries are POSTed to `url`.'),
  headers: maskedHeaders,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type EndpointView = z.infer<typeof endpointView>;

/** The create answer: the endpoint and, this once, its secret. */
export const createdEndpointView = endpointView.extend({
  secret: z.string().describe('The signing secret.'),
});
export type CreatedEndpointView = z.infer<typeof createdEndpointView>;

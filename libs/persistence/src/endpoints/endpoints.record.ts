import { z } from 'zod';
import type { EndpointSecretRecord } from '../endpoint-secrets/endpoint-secrets.record';

/** An `endpoints` row: the one declaration of its shape (the API's view and the dispatcher's target derive from it). */
export const endpointRecord = z.object({
  id: z.string().describe('"ep_" + random.'),
  /** Where deliveries are POSTed; null when `destination` is set. */
  url: z.string().nullable(),
  /** Another kind of destination (a Kafka topic) as stored, its secrets included; parsed by @gateway/delivery. */
  destination: z.unknown(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  filter: z.record(z.string(), z.unknown()).nullable(),
  tenant: z.string().nullable(),
  ordered: z.boolean(),
  retryPolicy: z
    .object({ maxAttempts: z.number(), baseSeconds: z.number(), factor: z.number(), capSeconds: z.number() })
    .nullable()
    .describe('null: the default schedule.'),
  rateLimit: z.object({ perSecond: z.number() }).nullable(),
  headers: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('Why the gateway disabled the endpoint (e.g. 410 Gone).'),
  /** When the endpoint started failing continuously (its breaker opened); null while healthy. */
  failingSince: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type EndpointRecord = z.infer<typeof endpointRecord>;

/** What the router matches events against (it keeps every endpoint's in memory). */
export type SubscriptionRow = Pick<EndpointRecord, 'id' | 'eventTypes' | 'filter' | 'tenant' | 'enabled'>;

/** An endpoint as the dispatcher sends to it, with its signing secrets. */
export type EndpointTargetRow = Pick<
  EndpointRecord,
  'id' | 'url' | 'destination' | 'headers' | 'ordered' | 'enabled' | 'rateLimit' | 'retryPolicy'
> & {
  /** `failingSince` as exact ISO text (microseconds), null while healthy. */
  failingSince: string | null;
  /** Secrets not yet expired at load time, newest first; check `expiresAt` again when signing. */
  secrets: (Pick<EndpointSecretRecord, 'key'> & { expiresAt: string | null })[];
  /**
   * Why a stored secret of this endpoint (signing secret, header value, destination password)
   * does not open: sealed under a key that is not configured, or tampered with. Its secrets and
   * headers are then empty and its deliveries wait (ADR 0027); null for every readable row.
   */
  unreadable: string | null;
};

/** The fields an operator sets; `null` clears an optional one. */
export type EndpointFields = Pick<
  EndpointRecord,
  | 'url'
  | 'destination'
  | 'description'
  | 'eventTypes'
  | 'filter'
  | 'tenant'
  | 'ordered'
  | 'retryPolicy'
  | 'rateLimit'
  | 'headers'
  | 'enabled'
>;

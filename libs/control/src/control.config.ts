import { z } from 'zod';
import { flag } from '@gateway/config';

/** What the control API reads from the environment (composed into the api service's config). */
export const controlConfig = {
  ADMIN_TOKEN: z
    .string({ error: 'required: the bearer token of the control API' })
    .min(16, 'must be at least 16 characters')
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces only')
    .describe(
      'Bearer token of the control API (`Authorization: Bearer <token>` on every /v1 call); at least 16 characters. Only its SHA-256 hash is kept in memory.',
    ),
  EVENT_TYPES_STRICT: flag(
    false,
    "When on, an endpoint's eventTypes may name only types in the event-type catalog (a wildcard must match one): others are a 422.",
  ),
};

import { z } from 'zod';

/** An `endpoint_secrets` row: one signing secret of an endpoint; the dispatcher signs with every live one. */
export const endpointSecretRecord = z.object({
  /** bigserial: pg answers int8 as text. */
  id: z.string(),
  endpointId: z.string(),
  key: z.string(),
  createdAt: z.date(),
  /** Set when a newer secret replaced this one: it keeps signing until then. */
  expiresAt: z.date().nullable(),
});
export type EndpointSecretRecord = z.infer<typeof endpointSecretRecord>;

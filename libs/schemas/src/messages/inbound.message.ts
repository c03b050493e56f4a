import { z } from 'zod';
import type { MessageContract } from '../contract';

const schema = z.object({
  id: z.string().min(1),
  sourceId: z.string().min(1),
  provider: z.string().min(1),
  providerEventId: z.string().nullable(),
  providerEventType: z.string().nullable(),
  receivedAt: z.iso.datetime(),
  contentType: z.string().nullable(),
  /** The exact bytes received, base64: signatures cover bytes, not parsed JSON. */
  bodyBase64: z.string(),
  headers: z.record(z.string(), z.string()),
});

export type InboundMessage = z.infer<typeof schema>;

/** `webhooks.inbound`: a verified inbound webhook, keyed by source. */
export const inboundMessage: MessageContract<typeof schema> = {
  topic: 'inbound',
  schema,
  key: (value) => value.sourceId,
};

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
  encoding: 'json',
};

/**
 * `webhooks.inbound-journal`: the same message, written by the ingress before its 2xx and read by
 * its dedup consumer, which publishes each one once to `webhooks.inbound`. Keyed by source too, so
 * that every copy of one event reaches the same consumer, in order.
 */
export const inboundJournalMessage: MessageContract<typeof schema> = {
  ...inboundMessage,
  topic: 'inboundJournal',
};

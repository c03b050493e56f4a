import { z } from 'zod';
import type { MessageContract } from '../contract';

const schema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  key: z.string().nullable(),
  consumer: z.string(),
  /**
   * not-json: no value, not UTF-8 or not JSON; schema: not the topic's contract; over-limit: over a
   * size or nesting budget (ADR 0018); unprocessable: handling it failed, alone, for a reason of its
   * own (a data error in PostgreSQL, an exception), not for an outage.
   */
  reason: z.enum(['not-json', 'schema', 'over-limit', 'unprocessable']),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  /** The original value, base64 (it may not be text). */
  valueBase64: z.string().nullable(),
  rejectedAt: z.iso.datetime(),
});

export type InvalidMessage = z.infer<typeof schema>;

/** `webhooks.invalid`: a message some consumer could not accept, with the reason. */
export const invalidMessage: MessageContract<typeof schema> = {
  topic: 'invalid',
  schema,
  key: (value) => `${value.topic}/${value.partition}`,
};

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
  /**
   * The original value, base64 (it may not be text); only its first INVALID_VALUE_KEPT_BYTES when
   * it is larger (its full length is then `valueBytes`), so that the record fits Kafka's message
   * size: the whole value stays at its topic, partition and offset while retention keeps it.
   */
  valueBase64: z.string().nullable(),
  valueBytes: z.number().int().optional(),
  rejectedAt: z.iso.datetime(),
});

export type InvalidMessage = z.infer<typeof schema>;

/** Bytes of an invalid value kept on the invalid topic (base64 makes them 4/3 as many). */
export const INVALID_VALUE_KEPT_BYTES = 512 * 1024;
/** Errors listed per invalid message (a value can fail a schema once per key), and characters per error. */
export const INVALID_ERRORS_KEPT = 20;
export const INVALID_ERROR_CHARS = 500;

/** `webhooks.invalid`: a message some consumer could not accept, with the reason. */
export const invalidMessage: MessageContract<typeof schema> = {
  topic: 'invalid',
  schema,
  key: (value) => `${value.topic}/${value.partition}`,
  encoding: 'json',
};

import type { z } from 'zod';
import type { TopicKey } from './topics';

/**
 * How a contract's values become bytes (`encodeMessage` in @gateway/kafka is the one place that
 * applies it). `exact-json`: values carry event data, whose numbers may be ExactNumbers, written
 * back as their literals (stringifyJson, ADR 0013). `json`: values carry text from outside that
 * nothing has checked for NUL (a provider's event id, a Kafka key), which stringifyJson could take
 * for an ExactNumber's mark; and they hold no ExactNumber, so plain JSON.stringify.
 */
export type MessageEncoding = 'exact-json' | 'json';

/** One Kafka message contract: which topic, how it is keyed and written, and the value schema. */
export interface MessageContract<S extends z.ZodType> {
  topic: TopicKey;
  schema: S;
  key(value: z.infer<S>): string;
  encoding: MessageEncoding;
  /** Bytes a value may have (default JSON_MAX_BYTES); larger ones go to the invalid topic. */
  maxBytes?: number;
}

import type { z } from 'zod';
import type { TopicKey } from './topics';

/** One Kafka message contract: which topic, how it is keyed, and the value schema. */
export interface MessageContract<S extends z.ZodType> {
  topic: TopicKey;
  schema: S;
  key(value: z.infer<S>): string;
  /** Bytes a value may have (default JSON_MAX_BYTES); larger ones go to the invalid topic. */
  maxBytes?: number;
}

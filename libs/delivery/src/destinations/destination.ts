import type { AttemptResult } from '@gateway/retry';

/**
 * What one attempt observed, whatever the destination: the retry decision's input
 * (`AttemptResult`) and what the attempt log keeps.
 */
export interface SendResult extends AttemptResult {
  durationMs: number;
  /** Readable cause when no usable response arrived; never contains secrets. */
  errorDetail: string | null;
  responseBody: string | null;
}

/**
 * One delivery attempt's message, the same for every destination: a signed Standard Webhooks
 * payload. HTTP sends `body` with `headers` (and its own); Kafka writes `body` as the record's
 * value, `headers` as its headers and `key` as its key.
 */
export interface SignedMessage {
  /** The event's ordering key, else its id: keeps one key's deliveries in one partition. */
  key: string;
  body: string;
  /** `webhook-id`, `webhook-timestamp`, `webhook-signature`, and `traceparent` when traced. */
  headers: Record<string, string>;
}

/** Sends messages to one kind of destination; `T` is that kind's target. */
export interface Sender<T> {
  deliver(target: T, message: SignedMessage): Promise<SendResult>;
  close(): Promise<void>;
}

import type { z } from 'zod';
import { JSON_MAX_BYTES, stringifyJson, type MessageContract, type MessageEncoding } from '@gateway/schemas';

/** One message for a contract's topic: its value, and the trace headers it carries. */
export interface Produced<T> {
  value: T;
  headers?: Record<string, string>;
}

/** A message as Kafka takes it. */
export interface OutgoingMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** A value over its contract's `maxBytes`, refused before anything was sent. */
export class MessageTooLargeError extends Error {
  readonly code = 'message_too_large';
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${bytes} bytes; the limit is ${limit}`);
  }
}

const writers: Record<MessageEncoding, (value: unknown) => string> = {
  'exact-json': stringifyJson,
  json: (value) => JSON.stringify(value),
};

/**
 * The one place a message's key and bytes are decided: the key by its contract's `key`, the bytes
 * by its contract's `encoding` (`BatchingProducer.produce` sends nothing else). With
 * `refuseOverLimit`, a value over the contract's `maxBytes` throws MessageTooLargeError.
 */
export function encodeMessages<S extends z.ZodType>(
  contract: MessageContract<S>,
  values: readonly Produced<z.infer<S>>[],
  refuseOverLimit = false,
): OutgoingMessage[] {
  const write = writers[contract.encoding];
  const limit = contract.maxBytes ?? JSON_MAX_BYTES;
  return values.map(({ value, headers }) => {
    const message = { key: contract.key(value), value: write(value), headers };
    if (refuseOverLimit) {
      const bytes = Buffer.byteLength(message.value);
      if (bytes > limit) throw new MessageTooLargeError(bytes, limit);
    }
    return message;
  });
}

import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import {
  INVALID_ERROR_CHARS,
  INVALID_ERRORS_KEPT,
  INVALID_VALUE_KEPT_BYTES,
  invalidMessage,
  type InvalidMessage,
  type MessageContract,
} from '@gateway/schemas';
import { metrics, type Logger } from '@gateway/observability';
import type { BatchingProducer } from './batching-producer';
import { traceparentOf } from './trace-headers';
import { startTrackedConsumer, type TrackedConsumerOptions } from './tracked-consumer';

export interface AcceptedMessage<T> {
  value: T;
  key: string | null;
  partition: number;
  offset: string;
  timestamp: number;
  traceparent: string | undefined;
}

export interface BatchContext {
  topic: string;
  partition: number;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
}

export interface ValidatingConsumerOptions<S extends z.ZodType> {
  kafka: Kafka;
  groupId: string;
  topic: string;
  contract: MessageContract<S>;
  /** Writes messages that fail validation, with their reason, to the invalid topic. */
  producer: BatchingProducer;
  logger: Logger;
  /** Waits after a small batch for the next one to gather (`TrackedConsumerOptions.gather`). */
  gather?: TrackedConsumerOptions<S>['gather'];
  /** Starts once this resolves (`TrackedConsumerOptions.ready`). */
  ready?: Promise<void>;
  /** Checks beyond the contract (`TrackedConsumerOptions.screen`). */
  screen?: TrackedConsumerOptions<S>['screen'];
  /**
   * Handles the accepted messages of one batch. When it resolves, the batch's offsets are committed;
   * when it rejects, nothing is committed and the batch is consumed again.
   */
  handle(messages: AcceptedMessage<z.infer<S>>[], context: BatchContext): Promise<void>;
}

export interface ValidatingConsumer {
  readonly consumer: Consumer;
  /** Resolves once the consumer has joined its group (tests publish only after this). */
  readonly joined: Promise<void>;
  isJoined(): boolean;
  /**
   * Stops fetching one partition of the topic, and starts it again. KafkaJS refuses both while the
   * consumer is stopped or restarting (it throws); a rebalance resumes every paused partition.
   */
  pause(partition: number): void;
  resume(partition: number): void;
  /** Stops fetching, lets `drain` finish the work in hand, commits what finished, disconnects. */
  stop(drain?: () => Promise<void>): Promise<void>;
}

/**
 * Consumes one topic batch by batch: every message is parsed and validated; invalid ones go to the
 * invalid topic (counted, logged) and consumption moves on; valid ones reach `handle`. A batch's
 * offsets become committable only after `handle` and the invalid-topic writes have succeeded (at
 * least once); they are committed on the tracked consumer's timer.
 */
export async function startValidatingConsumer<S extends z.ZodType>(
  options: ValidatingConsumerOptions<S>,
): Promise<ValidatingConsumer> {
  return startTrackedConsumer({
    ...options,
    accept: async (messages, batch) => {
      await options.handle(messages, batch);
      for (const message of messages) message.complete();
    },
  });
}

export function toAccepted<T>(message: KafkaMessage, value: T, partition: number): AcceptedMessage<T> {
  return {
    value,
    key: message.key ? message.key.toString('utf8') : null,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    traceparent: traceparentOf(message.headers),
  };
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The invalid-topic record of a message, bounded whatever the message (issue 19): a value near
 * Kafka's size limit, or one failing its schema once per key, made a record Kafka refused, and
 * the consumer retried that write forever. The value's first bytes, the first errors (and how many
 * more), each error cut; the key cut too.
 */
export function toInvalid(
  message: KafkaMessage,
  topic: string,
  partition: number,
  consumer: string,
  reason: InvalidMessage['reason'],
  errors: InvalidMessage['errors'],
): InvalidMessage {
  const value = message.value;
  const kept = errors.slice(0, INVALID_ERRORS_KEPT).map((error) => ({
    path: cut(error.path, INVALID_ERROR_CHARS),
    message: cut(error.message, INVALID_ERROR_CHARS),
  }));
  if (errors.length > INVALID_ERRORS_KEPT)
    kept.push({ path: '', message: `and ${errors.length - INVALID_ERRORS_KEPT} more` });
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? cut(message.key.toString('utf8'), INVALID_ERROR_CHARS) : null,
    consumer,
    reason,
    errors: kept,
    valueBase64: value ? value.subarray(0, INVALID_VALUE_KEPT_BYTES).toString('base64') : null,
    ...(value && value.length > INVALID_VALUE_KEPT_BYTES ? { valueBytes: value.length } : {}),
    rejectedAt: new Date().toISOString(),
  };
}

export async function publishInvalid(
  options: { producer: BatchingProducer; logger: Logger },
  rejected: InvalidMessage[],
): Promise<void> {
  await options.producer.produce(
    invalidMessage,
    rejected.map((value) => ({ value })),
  );
  for (const item of rejected) {
    metrics.invalidMessages.inc({ topic: item.topic, consumer: item.consumer, reason: item.reason });
    options.logger.warn(
      {
        topic: item.topic,
        partition: item.partition,
        offset: item.offset,
        reason: item.reason,
        errors: item.errors,
      },
      'invalid message sent to the invalid topic',
    );
  }
}

/** The latest producer timestamp of a batch's messages (-Infinity for none). */
export function newestTimestamp(messages: readonly { timestamp: number }[]): number {
  return messages.reduce((newest, message) => Math.max(newest, message.timestamp), -Infinity);
}

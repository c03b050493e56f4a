import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import type { InvalidMessage, MessageContract } from '@gateway/schemas';
import { metrics, type Logger } from '@gateway/observability';
import type { BatchingProducer } from './batching-producer';
import { decodeMessage } from './decode';
import { traceparentOf } from './trace-headers';

export interface AcceptedMessage<T> {
  value: T;
  key: string | null;
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
  /** Where messages that fail validation go, with their reason. */
  invalidTopic: string;
  producer: BatchingProducer;
  logger: Logger;
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
  /** Stops fetching, lets `drain` finish the work in hand, commits what finished, disconnects. */
  stop(drain?: () => Promise<void>): Promise<void>;
}

/**
 * Consumes one topic: every message is parsed and validated; invalid ones go to the invalid topic
 * (counted, logged) and consumption moves on; valid ones reach `handle`. Offsets are committed only
 * after `handle` and the invalid-topic writes have succeeded (at least once).
 */
export async function startValidatingConsumer<S extends z.ZodType>(
  options: ValidatingConsumerOptions<S>,
): Promise<ValidatingConsumer> {
  const { kafka, groupId, topic, contract, logger } = options;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3000 },
  });
  let joinedFlag = false;
  let markJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => (markJoined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedFlag = true;
    markJoined();
  });
  consumer.on(consumer.events.CRASH, (event) => {
    joinedFlag = false;
    logger.error({ err: event.payload.error, groupId }, 'consumer crashed; kafkajs restarts it');
  });

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachBatchAutoResolve: false,
    // One fetch cycle handles every partition at once: a slow partition does not hold the rest.
    partitionsConsumedConcurrently: 16,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
      const accepted: AcceptedMessage<z.infer<S>>[] = [];
      const rejected: InvalidMessage[] = [];
      for (const message of batch.messages) {
        const decoded = decodeMessage(contract.schema, message.value);
        if (decoded.ok) {
          accepted.push(toAccepted(message, decoded.value));
        } else {
          rejected.push(toInvalid(message, batch.topic, batch.partition, groupId, decoded.reason, decoded.errors));
        }
      }
      if (rejected.length > 0) await publishInvalid(options, rejected);
      if (accepted.length > 0) {
        metrics.messagesConsumed.inc({ topic: batch.topic, consumer: groupId }, accepted.length);
        await options.handle(accepted, { topic: batch.topic, partition: batch.partition, heartbeat, isRunning });
      }
      if (isStale()) return;
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      const lag = Number(batch.highWatermark) - Number(batch.lastOffset()) - 1;
      metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition), consumer: groupId }, Math.max(0, lag));
    },
  });

  return {
    consumer,
    joined,
    isJoined: () => joinedFlag,
    stop: () => consumer.disconnect(),
  };
}

export function toAccepted<T>(message: KafkaMessage, value: T): AcceptedMessage<T> {
  return {
    value,
    key: message.key ? message.key.toString('utf8') : null,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    traceparent: traceparentOf(message.headers),
  };
}

export function toInvalid(
  message: KafkaMessage,
  topic: string,
  partition: number,
  consumer: string,
  reason: InvalidMessage['reason'],
  errors: InvalidMessage['errors'],
): InvalidMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    consumer,
    reason,
    errors,
    valueBase64: message.value ? message.value.toString('base64') : null,
    rejectedAt: new Date().toISOString(),
  };
}

export async function publishInvalid(
  options: { producer: BatchingProducer; invalidTopic: string; logger: Logger },
  rejected: InvalidMessage[],
): Promise<void> {
  await options.producer.sendMany(
    options.invalidTopic,
    rejected.map((item) => ({ key: `${item.topic}/${item.partition}`, value: JSON.stringify(item) })),
  );
  for (const item of rejected) {
    metrics.invalidMessages.inc({ topic: item.topic, consumer: item.consumer, reason: item.reason });
    options.logger.warn(
      { topic: item.topic, partition: item.partition, offset: item.offset, reason: item.reason, errors: item.errors },
      'invalid message sent to the invalid topic',
    );
  }
}

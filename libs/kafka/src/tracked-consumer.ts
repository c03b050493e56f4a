import type { Kafka } from 'kafkajs';
import type { z } from 'zod';
import type { InvalidMessage, MessageContract } from '@gateway/schemas';
import { metrics, type Logger } from '@gateway/observability';
import type { BatchingProducer } from './batching-producer';
import { decodeMessage } from './decode';
import { describeKafkaError } from './kafka-errors';
import { describeFailure, failureKind } from './failure-kind';
import { OffsetTracker } from './offset-tracker';
import {
  publishInvalid,
  toAccepted,
  toInvalid,
  type AcceptedMessage,
  type BatchContext,
  type ValidatingConsumer,
} from './validating-consumer';

/** A consumer that could not start tries again after 1 s, then 2, 4… up to 30 s. */
const RESTART_FIRST_MS = 1000;
const RESTART_MAX_MS = 30_000;

export interface TrackedMessage<T> extends AcceptedMessage<T> {
  /** Marks the message finished; its offset becomes committable once every older one is too. */
  complete(): void;
  /**
   * Handling this message failed for a reason of its own (`failureKind` 'message'): it goes to the
   * invalid topic with the failure as reason 'unprocessable', and is complete once that write is
   * acknowledged (a failed write rejects, and the message stays unfinished).
   */
  reject(failure: unknown): Promise<void>;
}

export interface TrackedConsumerOptions<S extends z.ZodType> {
  kafka: Kafka;
  groupId: string;
  topic: string;
  contract: MessageContract<S>;
  /** Writes what the consumer cannot accept to the invalid topic. */
  producer: BatchingProducer;
  logger: Logger;
  /**
   * How often finished offsets are committed. Committing on a timer, not after every partition
   * batch, keeps OffsetCommit requests off the hot path (a crash re-reads at most this much, and
   * the consumers are idempotent).
   */
  commitIntervalMs?: number;
  /**
   * Gathering for a consumer whose every batch costs round trips of its own (the ingress's dedup
   * stage): after a batch of fewer than `belowBatch` messages that left nothing behind it in its
   * partition, the next fetch waits `waitMs`, so that the records arriving meanwhile make one
   * batch. An idle topic costs no more fetches than without it (the broker still holds an empty
   * fetch for 100 ms), and a backlog is read without pause.
   */
  gather?: { belowBatch: number; waitMs: number };
  /**
   * Takes the accepted messages of a batch and starts work on them; resolves when it can take more
   * (backpressure), not when the work is done. Each message calls `complete()` when done. A
   * transient rejection makes kafkajs consume the batch again; any other is about the messages:
   * they are accepted again one at a time, and one that fails alone is rejected (invalid topic).
   */
  accept(messages: TrackedMessage<z.infer<S>>[], batch: BatchContext): Promise<void>;
  /**
   * Called after each join of the group, once every paused partition was resumed: whoever paused
   * one forgets it (and pauses again if its backlog is still there).
   */
  onRejoin?(): void;
  /** The consumer starts once this resolves (the service's KafkaGate): starting never waits for it. */
  ready?: Promise<void>;
  /** A check beyond the contract (the router's event-type catalog): see `MessageScreen`. */
  screen?: MessageScreen<z.infer<S>>;
}

/**
 * A check of valid messages against rules kept in memory. `prepare` runs once per batch first (it
 * may wait until the rules hold every change made before the batch's newest message was produced;
 * a rejection re-consumes the batch); `errors` runs per message, with no I/O. A message with errors
 * goes to the invalid topic with reason 'schema' and is never accepted.
 */
export interface MessageScreen<T> {
  prepare(newestTimestampMs: number): Promise<void>;
  errors(value: T): InvalidMessage['errors'] | undefined;
}

/**
 * The one consumer loop. Every message is parsed and validated; invalid ones go to the invalid topic
 * (counted, logged). Valid ones are handed to `accept`. The fetch position moves on as soon as a
 * batch is accepted, but a partition's committed offset only moves to its oldest unfinished
 * message, so a crash re-sends unfinished work and never skips it. No message can hold its
 * partition for good: a failure that is not an outage is narrowed down to the message that causes
 * it, which goes to the invalid topic too (ADR 0018).
 */
export async function startTrackedConsumer<S extends z.ZodType>(
  options: TrackedConsumerOptions<S>,
): Promise<ValidatingConsumer> {
  const { kafka, groupId, topic, contract, logger } = options;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 1024 * 1024,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3000 },
  });
  // A new generation on every rebalance: completions of older generations never commit.
  let trackers = new Map<number, OffsetTracker>();
  const committed = new Map<number, string>();
  let joinedFlag = false;
  let markJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => (markJoined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    trackers = new Map();
    committed.clear();
    // Partitions paused for a held-up key (an ordered endpoint) start the new generation fetching;
    // whoever paused them pauses again if its backlog is still there.
    const paused = consumer.paused();
    if (paused.length > 0) consumer.resume(paused);
    options.onRejoin?.();
    joinedFlag = true;
    markJoined();
  });
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restartDelay = RESTART_FIRST_MS;
  let lastCause: string | undefined;
  // kafkajs restarts a consumer only after a retriable error; after any other (e.g. "Failed to find
  // group coordinator" while a broker comes back) it stays down, so this restarts it, backing off,
  // and logs a cause once until it changes (no line per try while a broker stays away).
  const restart = (): void => {
    restartTimer = setTimeout(() => {
      if (stopping) return;
      begin().then(() => (restartDelay = RESTART_FIRST_MS), couldNotStart);
    }, restartDelay);
    restartDelay = Math.min(restartDelay * 2, RESTART_MAX_MS);
  };
  const couldNotStart = (error: unknown): void => {
    const cause = describeKafkaError(error);
    if (cause !== lastCause)
      logger.error({ groupId, retryInMs: restartDelay }, `consumer could not start: ${cause}`);
    lastCause = cause;
    restart();
  };
  consumer.on(consumer.events.CRASH, (event) => {
    joinedFlag = false;
    const restarting = event.payload.restart;
    logger.error(
      { groupId, cause: describeKafkaError(event.payload.error) },
      restarting ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed; restarting it',
    );
    if (!restarting && !stopping) restart();
  });

  const commit = async (): Promise<void> => {
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [partition, tracker] of trackers) {
      const offset = tracker.committable();
      if (offset !== undefined && committed.get(partition) !== offset)
        offsets.push({ topic, partition, offset });
    }
    if (offsets.length === 0) return;
    try {
      await consumer.commitOffsets(offsets);
      for (const item of offsets) committed.set(item.partition, item.offset);
    } catch (error) {
      logger.warn({ err: error }, 'offset commit failed; will retry');
    }
  };
  let committing = false;
  const timer = setInterval(() => {
    if (committing) return;
    committing = true;
    void commit().finally(() => (committing = false));
  }, options.commitIntervalMs ?? 100);

  // A batch that fails for a reason other than an outage is accepted again one message at a time,
  // in order; a message that fails alone is rejected. A transient failure (or a stop) rethrows:
  // kafkajs consumes the batch again, after its backoff.
  const acceptIsolating = async (
    messages: TrackedMessage<z.infer<S>>[],
    context: BatchContext,
  ): Promise<void> => {
    try {
      await options.accept(messages, context);
    } catch (error) {
      if (failureKind(error) === 'transient' || !context.isRunning()) throw error;
      const [only] = messages;
      if (messages.length === 1) return only.reject(error);
      logger.warn(
        { err: error, topic: context.topic, partition: context.partition, messages: messages.length },
        'a batch failed for a reason of its own; handling its messages one at a time',
      );
      for (const message of messages) await acceptIsolating([message], context);
    }
  };

  const begin = async (): Promise<void> => {
    await options.ready;
    if (stopping) return;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run(runConfig);
  };
  const runConfig: Parameters<typeof consumer.run>[0] = {
    autoCommit: false,
    eachBatchAutoResolve: false,
    // One fetch cycle handles every partition at once: a slow partition does not hold the rest.
    partitionsConsumedConcurrently: 16,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (isStale()) return;
      let tracker = trackers.get(batch.partition);
      if (!tracker) {
        tracker = new OffsetTracker();
        trackers.set(batch.partition, tracker);
      }
      const owner = tracker;
      const accepted: TrackedMessage<z.infer<S>>[] = [];
      const rejected: InvalidMessage[] = [];
      const { screen } = options;
      if (screen)
        await screen.prepare(
          batch.messages.reduce((newest, message) => Math.max(newest, Number(message.timestamp)), -Infinity),
        );
      for (const message of batch.messages) {
        owner.add(message.offset);
        const decoded = decodeMessage(contract.schema, message.value, { maxBytes: contract.maxBytes });
        const screened = decoded.ok ? screen?.errors(decoded.value) : undefined;
        if (screened) {
          rejected.push(toInvalid(message, batch.topic, batch.partition, groupId, 'schema', screened));
        } else if (decoded.ok) {
          let done = false;
          accepted.push({
            ...toAccepted(message, decoded.value, batch.partition),
            complete: () => {
              if (done) return;
              done = true;
              owner.complete(message.offset);
            },
            reject: async (failure) => {
              if (done) return;
              logger.error(
                { err: failure, topic: batch.topic, partition: batch.partition, offset: message.offset },
                'message could not be handled; sending it to the invalid topic',
              );
              const errors = [{ path: '', message: describeFailure(failure) }];
              await publishInvalid(options, [
                toInvalid(message, batch.topic, batch.partition, groupId, 'unprocessable', errors),
              ]);
              if (done) return;
              done = true;
              owner.complete(message.offset);
            },
          });
        } else {
          rejected.push(
            toInvalid(message, batch.topic, batch.partition, groupId, decoded.reason, decoded.errors),
          );
        }
      }
      if (rejected.length > 0) {
        await publishInvalid(options, rejected);
        for (const item of rejected) owner.complete(item.offset);
      }
      if (accepted.length > 0) {
        metrics.messagesConsumed.inc({ topic: batch.topic, consumer: groupId }, accepted.length);
        await acceptIsolating(accepted, {
          topic: batch.topic,
          partition: batch.partition,
          heartbeat,
          isRunning,
        });
      }
      resolveOffset(batch.lastOffset());
      await heartbeat();
      const lag = Number(batch.highWatermark) - Number(batch.lastOffset()) - 1;
      metrics.consumerLag.set(
        { topic: batch.topic, partition: String(batch.partition), consumer: groupId },
        Math.max(0, lag),
      );
      const { gather } = options;
      if (gather && lag <= 0 && batch.messages.length < gather.belowBatch && isRunning()) {
        await new Promise((resolve) => setTimeout(resolve, gather.waitMs));
      }
    },
  };
  // Not awaited: a service answers its health checks (not ready) while its consumers wait for Kafka.
  begin().catch(couldNotStart);

  return {
    consumer,
    joined,
    isJoined: () => joinedFlag,
    pause: (partition) => consumer.pause([{ topic, partitions: [partition] }]),
    resume: (partition) => consumer.resume([{ topic, partitions: [partition] }]),
    stop: async (drain?: () => Promise<void>) => {
      stopping = true;
      clearTimeout(restartTimer);
      await consumer.stop();
      await drain?.();
      clearInterval(timer);
      await commit();
      await consumer.disconnect();
    },
  };
}

export {
  createKafka,
  kafkaSettings,
  type KafkaSettings,
  type KafkaTls,
  type KafkaSasl,
} from './kafka-client';
export { describeKafkaError } from './kafka-errors';
export { KafkaGate, type KafkaGateOptions } from './kafka-gate';
export { quietIdleRequestQueues } from './idle-request-queues';
export { BatchingProducer, KafkaUnavailableError, type ProduceOptions } from './batching-producer';
export { encodeMessages, MessageTooLargeError, type OutgoingMessage, type Produced } from './encode-message';
export { TopicWriter, type WrittenRecord } from './topic-writer';
export { guardedSocketFactory, BLOCKED_ADDRESS_CODE, type AddressGuard } from './guarded-socket';
export {
  ensureTopics,
  topicProblems,
  effectiveReplication,
  type TopicSpec,
  type Replication,
  type EnsuredTopics,
  defaultTopicSpecs,
  topicRetention,
} from './topics';
export { brokerTopicCheck } from './topic-propagation';
export {
  startValidatingConsumer,
  newestTimestamp,
  type ValidatingConsumer,
  type ValidatingConsumerOptions,
  type AcceptedMessage,
  type BatchContext,
} from './validating-consumer';
export { decodeMessage, type Decoded } from './decode';
export { checkKafka } from './kafka-health';
export { ConsumerLagReader, type ConsumerLag } from './consumer-lag';
export { traceHeaders, traceparentOf } from './trace-headers';
export type { Kafka } from 'kafkajs';
export {
  startTrackedConsumer,
  type TrackedMessage,
  type TrackedConsumerOptions,
  type MessageScreen,
} from './tracked-consumer';
export { OffsetTracker } from './offset-tracker';
export { failureKind, describeFailure, dependencyUnavailable, type FailureKind } from './failure-kind';

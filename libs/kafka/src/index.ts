export { createKafka, type KafkaSettings } from './kafka-client';
export { BatchingProducer, type OutgoingMessage, KafkaUnavailableError } from './batching-producer';
export { ensureTopics, type TopicSpec, defaultTopicSpecs } from './topics';
export { startValidatingConsumer, type ValidatingConsumer, type AcceptedMessage, type BatchContext } from './validating-consumer';
export { decodeMessage, type Decoded } from './decode';
export { checkKafka } from './kafka-health';
export { traceHeaders, traceparentOf } from './trace-headers';
export type { Kafka } from 'kafkajs';

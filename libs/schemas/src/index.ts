export { topicNames, type TopicKey, type TopicNames } from './topics';
export { jsonValue, nulCharacterPath, NUL_CHARACTER_MESSAGE, type JsonValue } from './json';
export { eventMessage, type EventMessage } from './messages/event.message';
export { inboundMessage, type InboundMessage } from './messages/inbound.message';
export { deliveryTask, type DeliveryTask } from './messages/delivery.message';
export { retryTask, type RetryTask } from './messages/retry.message';
export { deadLetter, type DeadLetter } from './messages/dead-letter.message';
export { invalidMessage, type InvalidMessage } from './messages/invalid.message';
export type { MessageContract } from './contract';

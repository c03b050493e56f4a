export { topicNames, type TopicKey, type TopicNames } from './topics';
export { eventData, jsonValue, type JsonValue } from './json';
export { timestamp } from './timestamp';
export {
  checkJsonDepth,
  EVENT_DATA_MAX_DEPTH,
  EVENT_MAX_BYTES,
  JSON_MAX_BYTES,
  JSON_MAX_DEPTH,
  JsonBudgetError,
  nestsDeeperThan,
  valueNestsDeeperThan,
} from './json-budget';
export {
  LONE_SURROGATE_MESSAGE,
  mayHoldUnstorableText,
  NUL_CHARACTER_MESSAGE,
  storableText,
  unstorableTextAt,
  type UnstorableText,
} from './storable-text';
export { eventMessage, type EventMessage } from './messages/event.message';
export { inboundJournalMessage, inboundMessage, type InboundMessage } from './messages/inbound.message';
export { deliveryTask, type DeliveryTask } from './messages/delivery.message';
export { retryTask, type RetryTask } from './messages/retry.message';
export { deadLetter, type DeadLetter } from './messages/dead-letter.message';
export {
  invalidMessage,
  INVALID_ERROR_CHARS,
  INVALID_ERRORS_KEPT,
  INVALID_VALUE_KEPT_BYTES,
  type InvalidMessage,
} from './messages/invalid.message';
export type { MessageContract, MessageEncoding } from './contract';
export { topicContracts } from './topic-contracts';
export {
  canonicalDecimal,
  ExactNumber,
  mayHoldExactNumbers,
  numberBeyondDoubleRange,
  parseJson,
  stringifyJson,
} from './exact-json';

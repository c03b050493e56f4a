export { eventTypePattern, compileTypePatterns } from './event-type-pattern';
export { payloadFilter, compileFilter, InvalidFilterError, type PayloadFilter } from './payload-filter';
export { buildMatcher, type SubscribedEndpoint, type RoutableEvent } from './subscription-matcher';
export { deliveryIdFor } from './delivery-id';
export { eventIdFor } from './event-id';
export { EventRouter, type RouterPorts } from './event-router';

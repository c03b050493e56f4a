export { deliveryConfig } from './delivery-config';
export { createAddressPolicy, type AddressPolicy } from './address-policy';
export type { SendResult, SignedMessage, Sender } from './destinations/destination';
export {
  endpointDestination,
  destinationView,
  type EndpointDestination,
  type DestinationView,
} from './destinations/endpoint-destination';
export {
  createDestinations,
  Destinations,
  targetOf,
  type DeliveryTarget,
  type DestinationDeps,
} from './destinations/registry';
export { EndpointQueue, type QueueLimits } from './endpoint-queue';
export { isGatewayHeader } from './outbound-request';
export {
  Dispatcher,
  type DispatcherContext,
  type DispatcherPorts,
  type DispatcherSettings,
  type DispatchOutcome,
} from './dispatcher';
export { type Clock, systemClock } from './clock';
export { CircuitBreaker, type BreakerSettings, type BreakerState, type Admission } from './circuit-breaker';
export {
  selectFailingSeries,
  publishFailingEndpoints,
  type FailingEndpoint,
  type FailingSeries,
} from './failing-endpoints';
export { ConcurrencyBudget, type BudgetSettings } from './concurrency-budget';
export {
  isOperationalEvent,
  operationalEvent,
  OPERATIONAL_EVENT_TYPES,
  type OperationalEventData,
  type OperationalEventType,
} from './operational-events';

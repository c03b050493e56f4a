export { deliveryConfig } from './delivery-config';
export { createAddressPolicy, type AddressPolicy } from './address-policy';
export { HttpSender, type SendResult, type SenderOptions } from './http-sender';
export { EndpointQueue, type QueueLimits } from './endpoint-queue';
export { buildBody, buildHeaders, isGatewayHeader } from './outbound-request';
export {
  Dispatcher,
  type DispatcherPorts,
  type DispatcherSettings,
  type DispatchOutcome,
} from './dispatcher';
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

export {
  createDataSource,
  runMigrations,
  checkPostgres,
  serviceStatementLimits,
  type StatementLimits,
} from './data-source';
export { listenForChanges, type ChangeListener } from './change-listener';
export type { DataSource, Repository } from 'typeorm';
export {
  loadSubscriptions,
  recordAndClaim,
  markRouted,
  type SubscriptionRow,
  type EventRow,
  type DeliveryClaim,
} from './routing-store';
export {
  loadEndpointTargets,
  recordAttempts,
  disableEndpoint,
  cancelDelivery,
  recordedAttempts,
  attemptKey,
  setEndpointFailing,
  type EndpointTargetRow,
  type AttemptRow,
} from './dispatch-store';
export { LiveView } from './live-view';
export {
  insertRetries,
  claimDueRetries,
  renewRetryLeases,
  deleteRetries,
  cancelEndpointRetries,
  countPendingRetries,
  recordDeadLetters,
  type RetryRow,
  type ClaimedRetry,
  type RetryKey,
  type FiredRetry,
  type DeadLetterRow,
} from './retry-store';

export {
  createDataSource,
  runMigrations,
  checkPostgres,
  serviceStatementLimits,
  type StatementLimits,
} from './data-source';
export { listenForChanges, type ChangeListener } from './change-listener';
export {
  PartitionCatalog,
  partitionKeys,
  type PartitionedTable,
  type PartitionEntry,
} from './partition-catalog';
export type { DataSource } from 'typeorm';
export { LiveView } from './live-view';
export { UnitOfWork } from './unit-of-work';
export { repositories } from './repositories';
export { reencryptSecrets, type ReencryptionCounts } from './secrets-reencryption';
export type { Database, CursorPosition, Sorted } from './sql';
export {
  endpointRecord,
  type EndpointRecord,
  type EndpointFields,
  type EndpointTargetRow,
  type SubscriptionRow,
} from './endpoints/endpoints.record';
export {
  EndpointsRepository,
  type NewEndpoint,
  type EndpointListFilter,
} from './endpoints/endpoints.repository';
export { endpointSecretRecord, type EndpointSecretRecord } from './endpoint-secrets/endpoint-secrets.record';
export { EndpointSecretsRepository } from './endpoint-secrets/endpoint-secrets.repository';
export {
  sourceRecord,
  type SourceRecord,
  type SourceFields,
  type IngressSourceRow,
  type ForwardRuleRow,
} from './sources/sources.record';
export { SourcesRepository, type NewSource, type SourceListFilter } from './sources/sources.repository';
export {
  inboundDedupRecord,
  claimRef,
  type InboundDedupRecord,
  type DedupClaim,
  type DedupRef,
} from './inbound-dedup/inbound-dedup.record';
export { InboundDedupRepository } from './inbound-dedup/inbound-dedup.repository';
export { eventRecord, type EventRecord, type NewEvent } from './events/events.record';
export { EventsRepository, type EventListFilter } from './events/events.repository';
export {
  deliveryRecord,
  deliveryStatus,
  type DeliveryRecord,
  type DeliveryStatus,
  type DeliveryClaim,
  type EndpointStatsBucket,
  type ReplayRow,
} from './deliveries/deliveries.record';
export { DeliveriesRepository } from './deliveries/deliveries.repository';
export { attemptRecord, attemptKey, type AttemptRecord, type AttemptRow } from './attempts/attempts.record';
export { AttemptsRepository, type AttemptLookup } from './attempts/attempts.repository';
export { recordAttempts, cancelDelivery, recordedAttempts, setEndpointFailing } from './dispatch-store';
export {
  retryRecord,
  type RetryRecord,
  type RetryKey,
  type RetryRow,
  type ClaimedRetry,
  type FiredRetry,
} from './retries/retries.record';
export { RetriesRepository, type PendingRetry } from './retries/retries.repository';
export {
  deadLetterRecord,
  type DeadLetterRecord,
  type DeadLetterRow,
} from './dead-letters/dead-letters.record';
export {
  DeadLettersRepository,
  type DeadLetterFilter,
  type ListedDeadLetter,
} from './dead-letters/dead-letters.repository';
export {
  eventTypeRecord,
  type EventTypeRecord,
  type EventTypeFields,
  type EventTypeSchemaRow,
} from './event-types/event-types.record';
export { EventTypesRepository, type EventTypeListFilter } from './event-types/event-types.repository';
export { tenantRecord, type TenantRecord, type TenantFields } from './tenants/tenants.record';
export { TenantsRepository, type ErasedRows, type TenantListFilter } from './tenants/tenants.repository';
export { apiKeyRecord, type ApiKeyRecord, type NewApiKey } from './api-keys/api-keys.record';
export { ApiKeysRepository, type ApiKeyListFilter } from './api-keys/api-keys.repository';
export { auditEntryRecord, type AuditEntryRecord, type NewAuditEntry } from './audit-log/audit-log.record';
export { AuditLogRepository, type AuditLogFilter } from './audit-log/audit-log.repository';
export {
  sourceStatsRecord,
  type SourceStatsRecord,
  type SourceStatsDelta,
  type SourceStatsBucket,
} from './source-stats/source-stats.record';
export { SourceStatsRepository, type StatsWindow } from './source-stats/source-stats.repository';

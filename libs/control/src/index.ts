export { controlConfig } from './control.config';
export { consoleServingConfig } from './console.config';
export { adminTokenCheck } from './admin-token';
export { pageOf, type Page } from './pagination';
export {
  createEndpointBody,
  updateEndpointBody,
  endpointListQuery,
  endpointView,
  createdEndpointView,
  gatewayTopicIssue,
  type CreateEndpoint,
  type UpdateEndpoint,
  type EndpointListQuery,
  type EndpointView,
  type CreatedEndpointView,
} from './endpoints/endpoint.schemas';
export { EndpointService } from './endpoints/endpoint.service';
export { EndpointStatusService } from './endpoints/endpoint-status.service';
export { rotateSecretBody, secretView, type RotateSecret, type SecretView } from './secrets/secret.schemas';
export { SecretService } from './secrets/secret.service';
export {
  publishEventBody,
  publishedEventView,
  eventListQuery,
  eventView,
  deliveryView,
  attemptView,
  deliveryListQuery,
  attemptListQuery,
  type PublishedEventView,
  type EventListQuery,
  type EventView,
  type DeliveryView,
  type AttemptView,
  type DeliveryListQuery,
  type AttemptListQuery,
} from './events/event.schemas';
export { EventPublisher, completeEvent, maxEventBytes, type PublishOutcome } from './events/event-publisher';
export { createPublishRoute, type PublishRouteOptions } from './events/publish-route';
export { EventLogService } from './events/event-log.service';
export {
  retryListQuery,
  retryView,
  deadLetterListQuery,
  deadLetterView,
  redriveBody,
  recoverBody,
  countView,
  replayedDeliveryView,
  type DeadLetterView,
  type RetryView,
  type RetryListQuery,
  type DeadLetterListQuery,
  type RedriveBody,
  type RecoverBody,
} from './replay/replay.schemas';
export { ReplayService, type EmitDeliveries, type ReplayTables } from './replay/replay.service';
export {
  createSourceBody,
  updateSourceBody,
  sourceListQuery,
  sourceView,
  type CreateSource,
  type UpdateSource,
  type SourceListQuery,
  type SourceView,
} from './sources/source.schemas';
export { SourceService, isRejected, type SourceRejected } from './sources/source.service';
export {
  createEventTypeBody,
  updateEventTypeBody,
  eventTypeListQuery,
  eventTypeView,
  type CreateEventType,
  type UpdateEventType,
  type EventTypeListQuery,
  type EventTypeView,
} from './event-types/event-type.schemas';
export { EventTypeService, isUnprocessable, type CatalogRejected } from './event-types/event-type.service';
export { scope, allScopes, adminCaller, confinedTo, type Scope, type Caller } from './access/scopes';
export { ApiKeyAuthenticator } from './access/api-key-authenticator';
export { KeyUsage } from './access/key-usage';
export { ApiKeyService, isRefused, type ApiKeyRefused } from './access/api-key.service';
export {
  createApiKeyBody,
  apiKeyListQuery,
  apiKeyView,
  createdApiKeyView,
  type CreateApiKey,
  type ApiKeyView,
  type CreatedApiKeyView,
} from './access/api-key.schemas';
export { TenantService } from './tenants/tenant.service';
export {
  createTenantBody,
  updateTenantBody,
  tenantListQuery,
  tenantView,
  deleteTenantQuery,
  erasureView,
  type ErasureView,
  type TopicRetention,
  type CreateTenant,
  type UpdateTenant,
  type TenantView,
} from './tenants/tenant.schemas';
export { AuditService, type AuditedChange } from './audit/audit.service';
export { auditLogQuery, auditEntryView, type AuditEntryView } from './audit/audit.schemas';
export { consoleConfig } from './console/console.config';
export {
  brandingBody,
  portalSessionBody,
  portalSessionView,
  meView,
  testEventBody,
  testEventView,
  statsQuery,
  endpointStatsView,
  sourceStatsView,
  healthOverviewView,
  type PortalSessionView,
  type MeView,
  type TestEventView,
  type EndpointStatsView,
  type SourceStatsView,
  type HealthOverviewView,
} from './console/console.schemas';
export { PortalSessionService, portalScopes, type PortalSettings } from './access/portal-session.service';
export { MeService, type BrandDefaults } from './console/me.service';
export { TestEventService } from './console/test-event.service';
export { StatsService, isStatsRefused, type StatsRefused } from './console/stats.service';
export { statsWindow, everyBucket, MAX_BUCKETS } from './console/stats-window';
export {
  HealthOverviewService,
  breakersAnswer,
  type HealthOverviewPorts,
} from './console/health-overview.service';

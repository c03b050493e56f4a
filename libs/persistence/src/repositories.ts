import { AttemptsRepository } from './attempts/attempts.repository';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { EventTypesRepository } from './event-types/event-types.repository';
import { EventsRepository } from './events/events.repository';
import { DeadLettersRepository } from './dead-letters/dead-letters.repository';
import { EndpointSecretsRepository } from './endpoint-secrets/endpoint-secrets.repository';
import { EndpointsRepository } from './endpoints/endpoints.repository';
import { InboundDedupRepository } from './inbound-dedup/inbound-dedup.repository';
import { RetriesRepository } from './retries/retries.repository';
import { SourcesRepository } from './sources/sources.repository';
import { SourceStatsRepository } from './source-stats/source-stats.repository';
import type { SecretBox } from '@gateway/encryption';
import { TenantsRepository } from './tenants/tenants.repository';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { AuditLogRepository } from './audit-log/audit-log.repository';
import type { Database } from './sql';

/**
 * Every table's repository: the platform gives each service one of each over its data source (Nest
 * injects them by class), with the service's keys for the columns encrypted at rest.
 */
export const repositories: (new (db: Database, box?: SecretBox) => object)[] = [
  EndpointsRepository,
  EndpointSecretsRepository,
  SourcesRepository,
  InboundDedupRepository,
  EventsRepository,
  DeliveriesRepository,
  AttemptsRepository,
  RetriesRepository,
  DeadLettersRepository,
  EventTypesRepository,
  TenantsRepository,
  ApiKeysRepository,
  AuditLogRepository,
  SourceStatsRepository,
];

import { AttemptsRepository } from './attempts/attempts.repository';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { EventsRepository } from './events/events.repository';
import { DeadLettersRepository } from './dead-letters/dead-letters.repository';
import { EndpointSecretsRepository } from './endpoint-secrets/endpoint-secrets.repository';
import { EndpointsRepository } from './endpoints/endpoints.repository';
import { InboundDedupRepository } from './inbound-dedup/inbound-dedup.repository';
import { RetriesRepository } from './retries/retries.repository';
import { SourcesRepository } from './sources/sources.repository';
import { TenantsRepository } from './tenants/tenants.repository';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { AuditLogRepository } from './audit-log/audit-log.repository';
import type { Database } from './sql';

/** Every table's repository: the platform gives each service one of each over its data source (Nest injects them by class). */
export const repositories: (new (db: Database) => object)[] = [
  EndpointsRepository,
  EndpointSecretsRepository,
  SourcesRepository,
  InboundDedupRepository,
  EventsRepository,
  DeliveriesRepository,
  AttemptsRepository,
  RetriesRepository,
  DeadLettersRepository,
  TenantsRepository,
  ApiKeysRepository,
  AuditLogRepository,
];

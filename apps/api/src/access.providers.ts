import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import {
  ApiKeyAuthenticator,
  ApiKeyService,
  AuditService,
  EndpointStatusService,
  KeyUsage,
  TenantService,
} from '@gateway/control';
import { topicRetention } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import {
  ApiKeysRepository,
  AuditLogRepository,
  EndpointsRepository,
  listenForChanges,
  TenantsRepository,
  type ChangeListener,
  type DataSource,
} from '@gateway/persistence';
import { CONFIG, DATA_SOURCE, LOGGER, provideClass, TOPICS } from '@gateway/platform';
import type { TopicNames } from '@gateway/schemas';
import { AuditInterceptor } from './audit.interceptor';
import type { AppConfig } from './config';

/** The admin token's check (main keeps only its hash). */
export const ADMIN_CHECK = Symbol('ADMIN_CHECK');

/** A cached key is re-read after this long even if its NOTIFY was missed (the listener was reconnecting). */
const KEY_CACHE_TTL_MS = 30_000;
/** `last_used_at` is written for all keys used in this interval, in one statement. */
const KEY_USAGE_FLUSH_MS = 10_000;

/**
 * Keeps the key cache true to the table: LISTENs on `api_keys_changed` (a revocation reaches every
 * api instance within milliseconds) and flushes key usage on shutdown.
 */
@Injectable()
export class KeyCacheSync implements OnModuleInit, OnModuleDestroy {
  private listener: ChangeListener | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly keys: ApiKeyAuthenticator,
    private readonly usage: KeyUsage,
  ) {}

  async onModuleInit(): Promise<void> {
    this.listener = await listenForChanges(this.dataSource, 'api_keys_changed', (prefix) =>
      this.keys.forget(prefix),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.close();
    await this.usage.close();
  }
}

/** Tenants, API keys and the audit log, wired to the platform's resources. */
export const accessProviders: Provider[] = [
  {
    provide: TenantService,
    inject: [TenantsRepository, EndpointsRepository, EndpointStatusService, TOPICS, CONFIG],
    useFactory: (
      tenants: TenantsRepository,
      endpoints: EndpointsRepository,
      status: EndpointStatusService,
      topics: TopicNames,
      config: AppConfig,
    ) => new TenantService(tenants, endpoints, status, topicRetention(topics), config.RETENTION_DAYS),
  },
  provideClass(ApiKeyService, [ApiKeysRepository, TenantsRepository]),
  provideClass(AuditService, [AuditLogRepository]),
  {
    provide: KeyUsage,
    inject: [ApiKeysRepository, LOGGER],
    useFactory: (keys: ApiKeysRepository, logger: Logger) =>
      new KeyUsage(keys, KEY_USAGE_FLUSH_MS, (error) =>
        logger.warn({ err: error }, 'could not record API key usage; retrying at the next flush'),
      ),
  },
  {
    provide: ApiKeyAuthenticator,
    inject: [ApiKeysRepository, ADMIN_CHECK, KeyUsage],
    useFactory: (
      keys: ApiKeysRepository,
      isAdmin: (authorization: string | undefined) => boolean,
      usage: KeyUsage,
    ) => new ApiKeyAuthenticator(keys, isAdmin, usage, KEY_CACHE_TTL_MS),
  },
  KeyCacheSync,
  { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
];

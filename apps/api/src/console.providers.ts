import { Injectable, type OnModuleDestroy, type Provider } from '@nestjs/common';
import {
  ApiKeyService,
  HealthOverviewService,
  MeService,
  PortalSessionService,
  StatsService,
  TestEventService,
} from '@gateway/control';
import { ConsumerLagReader, type BatchingProducer, type Kafka } from '@gateway/kafka';
import type { Logger } from '@gateway/observability';
import {
  DeliveriesRepository,
  EndpointsRepository,
  EventsRepository,
  SourcesRepository,
  SourceStatsRepository,
  TenantsRepository,
} from '@gateway/persistence';
import { CONFIG, KAFKA, LOGGER, PRODUCER, TOPICS } from '@gateway/platform';
import type { TopicNames } from '@gateway/schemas';
import type { AppConfig } from './config';
import { emitDeliveries } from './control.providers';

/** The consumer-lag reader's admin client, closed with the app. */
@Injectable()
export class ConsumerLag implements OnModuleDestroy {
  readonly reader: ConsumerLagReader;

  constructor(kafka: Kafka) {
    this.reader = new ConsumerLagReader(kafka);
  }

  async onModuleDestroy(): Promise<void> {
    await this.reader.close();
  }
}

/** The console's services (ADR 0030) wired to the platform's resources and the console's config. */
export const consoleProviders: Provider[] = [
  {
    provide: MeService,
    inject: [CONFIG, TenantsRepository],
    useFactory: (config: AppConfig, tenants: TenantsRepository) =>
      new MeService(tenants, {
        name: config.CONSOLE_BRAND_NAME,
        logoUrl: config.CONSOLE_BRAND_LOGO_URL ?? null,
        primaryColor: config.CONSOLE_BRAND_PRIMARY_COLOR ?? null,
      }),
  },
  {
    provide: PortalSessionService,
    inject: [CONFIG, ApiKeyService],
    useFactory: (config: AppConfig, keys: ApiKeyService) =>
      new PortalSessionService(keys, {
        ttlSeconds: config.PORTAL_SESSION_TTL_SECONDS,
        publicUrl: config.CONSOLE_PUBLIC_URL,
      }),
  },
  {
    provide: TestEventService,
    inject: [EndpointsRepository, EventsRepository, DeliveriesRepository, PRODUCER],
    useFactory: (
      endpoints: EndpointsRepository,
      events: EventsRepository,
      deliveries: DeliveriesRepository,
      producer: BatchingProducer,
    ) => new TestEventService({ endpoints, events, deliveries }, emitDeliveries(producer)),
  },
  {
    provide: StatsService,
    inject: [EndpointsRepository, DeliveriesRepository, SourcesRepository, SourceStatsRepository],
    useFactory: (
      endpoints: EndpointsRepository,
      deliveries: DeliveriesRepository,
      sources: SourcesRepository,
      sourceStats: SourceStatsRepository,
    ) => new StatsService({ endpoints, deliveries, sources, sourceStats }),
  },
  { provide: ConsumerLag, inject: [KAFKA], useFactory: (kafka: Kafka) => new ConsumerLag(kafka) },
  {
    provide: HealthOverviewService,
    inject: [CONFIG, ConsumerLag, TOPICS, LOGGER],
    useFactory: (config: AppConfig, lag: ConsumerLag, topics: TopicNames, logger: Logger) =>
      new HealthOverviewService(
        { services: config.HEALTH_SERVICE_URLS, consumerLag: () => lag.reader.read(Object.values(topics)) },
        (part, error) => logger.warn({ err: error, part }, 'health overview: a part could not be read'),
      ),
  },
];

import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@gateway/platform';
import type { AppConfig } from './config';
import { accessProviders, ADMIN_CHECK } from './access.providers';
import { ApiKeysController } from './api-keys.controller';
import { AuditLogController } from './audit-log.controller';
import { ConsoleController } from './console.controller';
import { consoleProviders } from './console.providers';
import { controlProviders } from './control.providers';
import { DeliveriesController } from './deliveries.controller';
import { EndpointsController } from './endpoints.controller';
import { catalogProviders, EventTypesController } from './event-types.controller';
import { EventsController } from './events.controller';
import { ReplayController } from './replay.controller';
import { SecretsController } from './secrets.controller';
import { SourcesController, sourceServiceProvider } from './sources.controller';
import { TenantsController } from './tenants.controller';

@Module({})
export class AppModule {
  /** The admin token is not passed in, only its check: main keeps only its hash. */
  static register(
    config: Omit<AppConfig, 'ADMIN_TOKEN'>,
    isAdmin: (authorization: string | undefined) => boolean,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'api', config })],
      controllers: [
        EndpointsController,
        SecretsController,
        EventsController,
        DeliveriesController,
        ReplayController,
        SourcesController,
        EventTypesController,
        TenantsController,
        ApiKeysController,
        AuditLogController,
        ConsoleController,
      ],
      providers: [
        ...catalogProviders,
        ...controlProviders,
        sourceServiceProvider,
        ...accessProviders,
        ...consoleProviders,
        { provide: ADMIN_CHECK, useValue: isAdmin },
      ],
    };
  }
}

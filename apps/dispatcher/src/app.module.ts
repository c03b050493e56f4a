import { Module, type DynamicModule } from '@nestjs/common';
import { EndpointStatusService } from '@gateway/control';
import { DeliveriesRepository, EndpointsRepository, RetriesRepository } from '@gateway/persistence';
import { PlatformModule, provideClass } from '@gateway/platform';
import type { AppConfig } from './config';
import { BreakersController } from './breakers.controller';
import { DeliveriesConsumer } from './deliveries.consumer';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'dispatcher', config })],
      controllers: [BreakersController],
      providers: [
        // Disabling an endpoint (410 Gone, a long outage) ends its pending retries, as the API's does.
        provideClass(EndpointStatusService, [EndpointsRepository, RetriesRepository, DeliveriesRepository]),
        DeliveriesConsumer,
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@gateway/platform';
import type { AppConfig } from './config';
import { DeliveriesConsumer } from './deliveries.consumer';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'dispatcher', config })],
      providers: [DeliveriesConsumer],
    };
  }
}

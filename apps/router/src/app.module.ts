import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@gateway/platform';
import type { AppConfig } from './config';
import { EventsConsumer } from './events.consumer';
import { InboundConsumer } from './inbound.consumer';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'router', config })],
      providers: [EventsConsumer, InboundConsumer],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@gateway/platform';
import type { AppConfig } from './config';
import { ingressProviders } from './ingress.providers';
import { JournalConsumer } from './journal.consumer';
import { SourceStatsFlusher } from './source-stats.flusher';
import { SourcesView } from './sources.view';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'ingress', config })],
      providers: [...ingressProviders, SourcesView, JournalConsumer, SourceStatsFlusher],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@gateway/platform';
import type { AppConfig } from './config';
import { DeadLetterExpiryJob } from './dead-letter-expiry.job';
import { DeadLettersConsumer } from './dead-letters.consumer';
import { PartitionMaintenanceJob } from './partition-maintenance.job';
import { TenantRetentionJob } from './tenant-retention.job';
import { RetriesConsumer } from './retries.consumer';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ service: 'scheduler', config })],
      providers: [
        RetriesConsumer,
        DeadLettersConsumer,
        DeadLetterExpiryJob,
        PartitionMaintenanceJob,
        TenantRetentionJob,
      ],
    };
  }
}

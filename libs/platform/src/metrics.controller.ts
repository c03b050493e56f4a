import { Controller, Get, Header } from '@nestjs/common';
import { metricsRegistry } from '@gateway/observability';

@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

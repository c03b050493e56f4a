import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry } from './readiness-registry';

/** Liveness says the process runs; readiness really asks each dependency. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.readiness.list().map((dependency) => async () => {
        const indicator = this.indicators.check(dependency.name);
        try {
          await dependency.check();
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      }),
    );
  }
}

import { Controller, Get } from '@nestjs/common';
import { DeliveriesConsumer } from './deliveries.consumer';

/**
 * `GET /internal/breakers`: the circuit breakers of this dispatcher's failing endpoints, for the
 * api's health overview (ADR 0030). On the service port beside /metrics, which already names the
 * same failing endpoints; an endpoint not listed is closed.
 */
@Controller('internal')
export class BreakersController {
  constructor(private readonly deliveries: DeliveriesConsumer) {}

  @Get('breakers')
  breakers(): { breakers: { endpointId: string; state: string; since: string | null }[] } {
    return {
      breakers: this.deliveries.failingEndpoints().map(({ endpointId, state, failingSince }) => ({
        endpointId,
        state,
        since: Number.isFinite(failingSince) ? new Date(failingSince).toISOString() : null,
      })),
    };
  }
}

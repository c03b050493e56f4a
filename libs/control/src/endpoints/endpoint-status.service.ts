import type { DeliveriesRepository, EndpointsRepository, RetriesRepository } from '@gateway/persistence';

/**
 * A disabled or deleted endpoint has no pending retries, whoever disabled it: an operator through
 * the API, or the dispatcher on a 410 Gone or a long outage. Its retries are dropped and their
 * deliveries cancelled (`POST /v1/endpoints/:id/recover` sends them again once it is fixed).
 */
export class EndpointStatusService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly retries: RetriesRepository,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  /**
   * Disables the endpoint, keeping why, and ends its pending retries. Every statement is
   * idempotent, so a caller that retries the whole call after a failure ends in the same state.
   */
  async disable(endpointId: string, reason: string): Promise<void> {
    await this.endpoints.disable(endpointId, reason);
    await this.endRetries(endpointId);
  }

  /** Drops the endpoint's pending retries and cancels their deliveries; returns how many retries. */
  async endRetries(endpointId: string): Promise<number> {
    const dropped = await this.retries.deleteForEndpoint(endpointId);
    await this.deliveries.cancelRetrying(endpointId);
    return dropped;
  }
}

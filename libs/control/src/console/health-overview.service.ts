import { z } from 'zod';
import { breakerState, type HealthOverviewView } from './console.schemas';

type ServiceHealth = HealthOverviewView['services'][number];
type Breaker = HealthOverviewView['breakers'][number];

/** How long one probe of a service may take: the overview answers even when a service hangs. */
const PROBE_TIMEOUT_MS = 2000;

/** What the dispatcher's `GET /internal/breakers` answers. */
export const breakersAnswer = z.object({
  breakers: z.array(
    z.object({ endpointId: z.string(), state: breakerState, since: z.iso.datetime().nullable() }),
  ),
});

export interface HealthOverviewPorts {
  /** HEALTH_SERVICE_URLS: name → base URL. */
  services: Readonly<Record<string, string>>;
  /** Consumer lag per group and topic (Kafka admin). */
  consumerLag(): Promise<HealthOverviewView['consumerLag']>;
  fetch?: typeof fetch;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The console's health page (ADR 0030): each service's readiness (its /health/ready), consumer lag
 * from Kafka, and the dispatcher's circuit breakers (its internal route). Each part fails on its
 * own: a down service is `ready: false` with the reason, an unreachable Kafka or dispatcher an
 * empty list, never an error of the route.
 */
export class HealthOverviewService {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly ports: HealthOverviewPorts,
    private readonly onError: (part: string, error: unknown) => void,
  ) {
    this.fetch = ports.fetch ?? fetch;
  }

  async overview(): Promise<HealthOverviewView> {
    const [services, consumerLag, breakers] = await Promise.all([
      Promise.all(Object.entries(this.ports.services).map(([name, url]) => this.probe(name, url))),
      this.ports.consumerLag().catch((error: unknown) => {
        this.onError('consumer lag', error);
        return [];
      }),
      this.breakers(),
    ]);
    return { services, consumerLag, breakers };
  }

  private async probe(name: string, url: string): Promise<ServiceHealth> {
    try {
      const answer = await this.fetch(`${url}/health/ready`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      await answer.body?.cancel();
      return answer.ok
        ? { name, ready: true, detail: null }
        : { name, ready: false, detail: `HTTP ${answer.status}` };
    } catch (error) {
      return { name, ready: false, detail: reason(error) };
    }
  }

  private async breakers(): Promise<Breaker[]> {
    const dispatcher = this.ports.services.dispatcher;
    if (dispatcher === undefined) return [];
    try {
      const answer = await this.fetch(`${dispatcher}/internal/breakers`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      return breakersAnswer.parse(await answer.json()).breakers;
    } catch (error) {
      this.onError('breakers', error);
      return [];
    }
  }
}

import { metrics } from '@gateway/observability';
import type { EndpointTargetRow } from '@gateway/persistence';
import { CircuitBreaker, type BreakerSettings } from './circuit-breaker';
import type { Clock } from './clock';
import type { DispatcherPorts } from './dispatcher-ports';
import type { DurableWrites } from './durable-writes';
import { publishFailingEndpoints, type FailingEndpoint } from './failing-endpoints';

/**
 * Whether an attempt may go now: `defer` hands the task to the retry scheduler until `until`;
 * `hold` keeps an ordered endpoint's head in place until then (its later tasks wait behind it).
 */
export type HealthAdmission = { kind: 'attempt' } | { kind: 'defer' | 'hold'; until: number; reason: string };

/** How long a task of an endpoint whose secrets do not open waits before it looks again. */
export const UNREADABLE_WAIT_MS = 60_000;

export interface HealthSettings {
  breaker: BreakerSettings;
  /** An endpoint failing continuously this long is disabled. */
  disableAfterMs: number;
  /** Failing endpoints given series of their own (endpoint_id label); the rest are only counted. */
  endpointSeriesMax: number;
}

type HealthPorts = Pick<DispatcherPorts, 'endpoint' | 'setFailing' | 'disableEndpoint' | 'emitOperational'>;

/** What this dispatcher decided about an endpoint, as the rest of the dispatcher must see it. */
interface Decided {
  enabled: boolean;
  /** ISO time the failing streak started, or null while healthy. */
  failingSince: string | null;
}

/** Why an endpoint is disabled: it answered 410 Gone, or it failed continuously too long. */
export type DisableCause = { kind: 'gone'; deliveryId: string } | { kind: 'outage'; failingSince: string };

/**
 * Endpoint health as this dispatcher sees it: a circuit breaker per unordered endpoint, the failing
 * streak (the failing-since mark shared through PostgreSQL), and disabling. Every change is
 * written through the ports and published as an operational event.
 *
 * The live view's rows are never written: what this dispatcher decided (disabled, failing since)
 * is kept here beside the row it was decided on, and read through `enabled` and `failingSince`.
 * When the view loads the endpoint again, the fresh row (which holds the decision once written)
 * replaces it, and an endpoint enabled again by an operator is seen as enabled.
 */
export class EndpointHealth {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly decided = new WeakMap<EndpointTargetRow, Decided>();

  constructor(
    private readonly ports: HealthPorts,
    private readonly settings: HealthSettings,
    private readonly writes: DurableWrites,
    private readonly clock: Clock,
  ) {}

  enabled(endpoint: EndpointTargetRow): boolean {
    return this.stateOf(endpoint).enabled;
  }

  failingSince(endpoint: EndpointTargetRow): string | null {
    return this.stateOf(endpoint).failingSince;
  }

  /** Closed, and its last attempt (if any) succeeded: the endpoint itself is keeping up. */
  healthy(endpointId: string): boolean {
    return this.breakerFor(endpointId).healthy();
  }

  /**
   * Whether an attempt may go now. An ordered endpoint has no circuit: it holds its own head
   * instead, since deferring it would break its order.
   */
  admit(endpoint: EndpointTargetRow): HealthAdmission {
    // A secret that does not open (ADR 0027) is the operator's to fix: nothing is sent, nothing is
    // lost, and no other endpoint notices. Ordered ones hold their head, the others wait in the scheduler.
    if (endpoint.unreadable !== null) {
      const until = this.clock.now() + UNREADABLE_WAIT_MS;
      return { kind: endpoint.ordered ? 'hold' : 'defer', until, reason: endpoint.unreadable };
    }
    if (endpoint.ordered) return { kind: 'attempt' };
    const breaker = this.breakerFor(endpoint.id);
    const before = breaker.state;
    const admission = breaker.admit(this.clock.now());
    // The open period ended: this attempt is the half-open probe.
    if (breaker.state !== before) metrics.circuitTransitions.inc({ to: breaker.state });
    return admission.kind === 'attempt' ? admission : { ...admission, reason: 'circuit open' };
  }

  /** An attempt succeeded: closes the circuit, and ends the failing streak (endpoint.recovered). */
  async succeeded(endpoint: EndpointTargetRow): Promise<void> {
    const transition = this.circuitOf(endpoint)?.onSuccess();
    if (transition) metrics.circuitTransitions.inc({ to: transition });
    if (this.failingSince(endpoint) === null && transition !== 'closed') return;
    this.decide(endpoint, { failingSince: null });
    await this.writes.write(() => this.ports.setFailing(endpoint.id, false));
    await this.writes.write(() =>
      this.ports.emitOperational('endpoint.recovered', { endpointId: endpoint.id }),
    );
  }

  /**
   * An attempt failed: may open the circuit and start the failing streak, and disables an
   * endpoint failing continuously past `disableAfterMs`.
   */
  async failed(endpoint: EndpointTargetRow): Promise<void> {
    const now = this.clock.now();
    const breaker = this.circuitOf(endpoint);
    const transition = breaker?.onFailure(now);
    if (transition) metrics.circuitTransitions.inc({ to: transition });
    // The failing streak starts when the circuit opens; an ordered endpoint has no circuit (its
    // head is retried in place), so its streak starts with its first failed attempt.
    if ((transition || !breaker) && this.failingSince(endpoint) === null) {
      this.decide(endpoint, { failingSince: new Date(now).toISOString() });
      await this.writes.write(() => this.ports.setFailing(endpoint.id, true));
    }
    const failingSince = this.failingSince(endpoint);
    if (
      failingSince !== null &&
      this.enabled(endpoint) &&
      now - Date.parse(failingSince) >= this.settings.disableAfterMs
    )
      await this.disable(endpoint, { kind: 'outage', failingSince });
  }

  /**
   * Disables the endpoint: the one path for every cause. The port also cancels its pending
   * retries; then endpoint.disabled is published.
   */
  async disable(endpoint: EndpointTargetRow, cause: DisableCause): Promise<void> {
    this.decide(endpoint, { enabled: false });
    const reason =
      cause.kind === 'gone'
        ? `HTTP 410 Gone on delivery ${cause.deliveryId}`
        : `failing continuously since ${cause.failingSince}`;
    await this.writes.write(() => this.ports.disableEndpoint(endpoint.id, reason));
    await this.writes.write(() =>
      this.ports.emitOperational('endpoint.disabled', {
        endpointId: endpoint.id,
        reason,
        failingSince: cause.kind === 'outage' ? cause.failingSince : null,
      }),
    );
  }

  /**
   * Endpoints this dispatcher has attempted that are failing now (failing-since mark set; shared by
   * every dispatcher through PostgreSQL, cleared by a success), with their circuit state here.
   * Disabled and deleted endpoints are left out: nothing is delivered to them any more.
   */
  failing(): FailingEndpoint[] {
    const failing: FailingEndpoint[] = [];
    for (const [endpointId, breaker] of this.breakers) {
      const endpoint = this.ports.endpoint(endpointId);
      if (!endpoint || !this.enabled(endpoint)) continue;
      const failingSince = this.failingSince(endpoint);
      if (failingSince === null) continue;
      failing.push({ endpointId, state: breaker.state, failingSince: Date.parse(failingSince) });
    }
    return failing;
  }

  /**
   * Rebuilds the circuit gauges and the per-endpoint failing series (bounded by
   * `endpointSeriesMax`); run when scraped, so no attempt pays for a walk over every breaker.
   */
  publish(): void {
    let open = 0;
    let halfOpen = 0;
    for (const breaker of this.breakers.values()) {
      if (breaker.state === 'open') open++;
      else if (breaker.state === 'half-open') halfOpen++;
    }
    metrics.circuitOpen.set({ state: 'open' }, open);
    metrics.circuitOpen.set({ state: 'half-open' }, halfOpen);
    publishFailingEndpoints(this.failing(), this.settings.endpointSeriesMax, this.clock.now());
  }

  private stateOf(endpoint: EndpointTargetRow): Decided {
    return this.decided.get(endpoint) ?? endpoint;
  }

  private decide(endpoint: EndpointTargetRow, change: Partial<Decided>): void {
    const { enabled, failingSince } = this.stateOf(endpoint);
    this.decided.set(endpoint, { enabled, failingSince, ...change });
  }

  private circuitOf(endpoint: EndpointTargetRow): CircuitBreaker | undefined {
    return endpoint.ordered ? undefined : this.breakerFor(endpoint.id);
  }

  private breakerFor(endpointId: string): CircuitBreaker {
    let breaker = this.breakers.get(endpointId);
    if (!breaker) {
      breaker = new CircuitBreaker(this.settings.breaker);
      this.breakers.set(endpointId, breaker);
    }
    return breaker;
  }
}

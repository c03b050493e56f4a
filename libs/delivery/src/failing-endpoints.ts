import { metrics } from '@gateway/observability';
import type { BreakerState } from './circuit-breaker';

/** An endpoint with its failing-since mark set, and its circuit state in this dispatcher. */
export interface FailingEndpoint {
  endpointId: string;
  state: BreakerState;
  /** Epoch milliseconds of the failing-since mark (when its circuit first opened). */
  failingSince: number;
}

export interface FailingSeries {
  /** Endpoints that get series of their own, longest-failing first. */
  listed: FailingEndpoint[];
  /** The others, only counted. */
  unlisted: number;
}

/** Longest-failing first; ties by id, so the choice does not flap between scrapes. */
const longerFailing = (a: FailingEndpoint, b: FailingEndpoint): number =>
  a.failingSince - b.failingSince || (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0);

/**
 * Bounds the per-endpoint label: the `max` longest-failing endpoints are listed, the rest only
 * counted. `max` 0 lists none. Keeps a sorted top `max` instead of sorting every failing endpoint,
 * so a scrape during a wide outage stays cheap.
 */
export function selectFailingSeries(failing: readonly FailingEndpoint[], max: number): FailingSeries {
  if (failing.length <= max) return { listed: [...failing], unlisted: 0 };
  const listed: FailingEndpoint[] = [];
  for (const endpoint of failing) {
    if (listed.length === max && (max === 0 || longerFailing(endpoint, listed[max - 1]) >= 0)) continue;
    let low = 0;
    let high = listed.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (longerFailing(listed[middle], endpoint) <= 0) low = middle + 1;
      else high = middle;
    }
    listed.splice(low, 0, endpoint);
    if (listed.length > max) listed.pop();
  }
  return { listed, unlisted: failing.length - max };
}

/**
 * Rewrites `gateway_endpoint_circuit_state`, `gateway_endpoint_failing_seconds` and
 * `gateway_endpoints_failing_unlisted` from scratch, so the series of a recovered (or no longer
 * listed) endpoint disappears. Runs when they are scraped, not per attempt.
 */
export function publishFailingEndpoints(failing: readonly FailingEndpoint[], max: number, now: number): void {
  const { listed, unlisted } = selectFailingSeries(failing, max);
  metrics.endpointCircuitState.reset();
  metrics.endpointFailing.reset();
  for (const endpoint of listed) {
    metrics.endpointCircuitState.set({ endpoint_id: endpoint.endpointId, state: endpoint.state }, 1);
    metrics.endpointFailing.set(
      { endpoint_id: endpoint.endpointId },
      Math.max(0, now - endpoint.failingSince) / 1000,
    );
  }
  metrics.endpointsFailingUnlisted.set(unlisted);
}

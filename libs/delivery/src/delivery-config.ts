import { z } from 'zod';

const cidrList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected CIDRs like 127.0.0.0/8')));

/** Configuration of outbound delivery (the dispatcher). */
export const deliveryConfig = {
  DELIVERY_ALLOWLIST: cidrList.describe(
    'Comma-separated CIDRs that delivery may reach despite the SSRF guard (private, loopback, link-local, metadata ranges are refused otherwise).',
  ),
  DELIVERY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120000)
    .default(15000)
    .describe(
      'Time the response head may take once connected, and then again the body (first 1 KB kept; checked about every second).',
    ),
  DELIVERY_CONNECT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(60000)
    .default(5000)
    .describe('Time to establish a connection to an endpoint.'),
  DELIVERY_CONCURRENCY_PER_ENDPOINT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(32)
    .describe('Attempts in flight per endpoint (ordered endpoints: always 1).'),
  DELIVERY_LOOP_DELAY_TARGET_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10000)
    .default(0)
    .describe(
      'Opt-in (0: off). Event loop delay (p99 over 250 ms) above which a CPU-bound dispatcher lowers the attempts it has in flight, shared equally by busy endpoints (at least 32 in all, 1 each). Shortens attempt times under saturation; it can lengthen end-to-end latency (ADR 0010).',
    ),
  DELIVERY_LATENCY_LIMIT: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      "on: each unordered endpoint's attempts in flight follow its own answer times, within DELIVERY_CONCURRENCY_PER_ENDPOINT: while the dispatcher's event loop is busy over 90 % of the time and late by over 10 ms (p99), they shrink as attempts take much longer than the endpoint's shortest recent one (they waited for the loop), and otherwise grow back. A fresh endpoint starts at 1 and doubles each round trip (ADR 0010).",
    ),
  DELIVERY_QUEUE_PER_ENDPOINT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(10000)
    .describe(
      "Tasks waiting per endpoint. Beyond it, a healthy endpoint that drains fast enough (DELIVERY_HOLD_DRAIN_MAX_MS) and an ordered endpoint pause their partition of the deliveries topic until half are delivered (ADR 0005, 0014); any other endpoint's excess goes to the retry scheduler.",
    ),
  DELIVERY_HOLD_DRAIN_MAX_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(600000)
    .default(60000)
    .describe(
      'An endpoint whose queue is full, whose circuit is closed and whose last attempt succeeded, and whose waiting tasks drain within this many ms at its recent rate, is not sent through the retry scheduler: its partition of the deliveries topic pauses until half are delivered (endpoints sharing the partition wait meanwhile). 0: always defer (ADR 0014).',
    ),
  DELIVERY_MAX_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000000)
    .default(20000)
    .describe(
      "Tasks held by one dispatcher before it stops fetching (backpressure). Ordered endpoints' backlogs count apart: each is bounded by DELIVERY_QUEUE_PER_ENDPOINT and all together by this number, by pausing their partitions.",
    ),
  BREAKER_FAILURE_THRESHOLD: z.coerce
    .number()
    .int()
    .min(1)
    .max(10000)
    .default(10)
    .describe("Consecutive failed attempts that open an endpoint's circuit."),
  BREAKER_OPEN_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3600000)
    .default(30000)
    .describe('First open period of a circuit before a half-open probe.'),
  BREAKER_MAX_OPEN_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(86400000)
    .default(600000)
    .describe('Longest open period (it doubles after each failed probe).'),
  ENDPOINT_DISABLE_AFTER_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(5 * 86400000)
    .describe('An endpoint failing continuously this long is disabled (endpoint.disabled event).'),
  METRICS_ENDPOINT_SERIES_MAX: z.coerce
    .number()
    .int()
    .min(0)
    .max(10000)
    .default(50)
    .describe(
      'Failing endpoints one dispatcher exports with an endpoint_id label (gateway_endpoint_failing_seconds, gateway_endpoint_circuit_state), longest-failing first; the rest are counted in gateway_endpoints_failing_unlisted. 0: no per-endpoint series.',
    ),
  DELIVERY_USER_AGENT: z
    .string()
    .min(1)
    .default('webhook-gateway/0.1')
    .describe('User-Agent of outbound requests.'),
};

import { api } from '../api/client';
import { TimeChart } from '../ui/chart';
import { Show, useLoad } from '../ui/load';

const day = () => new Date(Date.now() - 24 * 3600 * 1000).toISOString();

/** The last 24 h of an endpoint: deliveries, failures, p95 attempt latency (GET /v1/endpoints/:id/stats). */
export function EndpointStats(props: { id: string }) {
  const [state] = useLoad(
    () =>
      api.GET('/v1/endpoints/{id}/stats', {
        params: { path: { id: props.id }, query: { since: day(), bucketSeconds: 900 } },
      }),
    props.id,
    true,
  );
  return (
    <Show state={state} what="Delivery chart">
      {(stats) => (
        <TimeChart
          title="Last 24 hours, per 15 minutes: deliveries, failures, p95 latency (ms, right axis)"
          starts={stats.buckets.map((bucket) => bucket.start)}
          series={[
            {
              label: 'deliveries',
              values: stats.buckets.map((bucket) => bucket.deliveries),
              color: '#1971c2',
            },
            { label: 'failed', values: stats.buckets.map((bucket) => bucket.failed), color: '#c92a2a' },
            {
              label: 'p95 ms',
              values: stats.buckets.map((bucket) => bucket.p95LatencyMs),
              color: '#868e96',
              right: true,
            },
          ]}
        />
      )}
    </Show>
  );
}

/** The last 24 h of a source: verified, duplicates, refused (GET /v1/sources/:id/stats), and why refused. */
export function SourceStats(props: { id: string }) {
  const [state] = useLoad(
    () =>
      api.GET('/v1/sources/{id}/stats', {
        params: { path: { id: props.id }, query: { since: day(), bucketSeconds: 900 } },
      }),
    props.id,
    true,
  );
  return (
    <Show state={state} what="Inbound chart">
      {(stats) => {
        const reasons = new Map<string, number>();
        for (const bucket of stats.buckets)
          for (const [reason, count] of Object.entries(bucket.refusedByReason))
            reasons.set(reason, (reasons.get(reason) ?? 0) + count);
        return (
          <>
            <TimeChart
              title="Last 24 hours, per 15 minutes: verified, duplicates, refused"
              starts={stats.buckets.map((bucket) => bucket.start)}
              series={[
                {
                  label: 'verified',
                  values: stats.buckets.map((bucket) => bucket.verified),
                  color: '#2f9e44',
                },
                {
                  label: 'duplicates',
                  values: stats.buckets.map((bucket) => bucket.duplicates),
                  color: '#f08c00',
                },
                { label: 'refused', values: stats.buckets.map((bucket) => bucket.refused), color: '#c92a2a' },
              ]}
            />
            <h3>Refused, by reason</h3>
            {reasons.size === 0 ? (
              <p>None refused.</p>
            ) : (
              <ul>
                {[...reasons].map(([reason, count]) => (
                  <li key={reason}>
                    {reason}: {count}
                  </li>
                ))}
              </ul>
            )}
          </>
        );
      }}
    </Show>
  );
}

import { api } from '../api/client';
import { when } from '../ui/format';
import { Table } from '../ui/table';
import { Show, useLoad } from '../ui/load';

/** The services' readiness, consumer lag per topic and the breaker per endpoint (GET /v1/health/overview). */
export function HealthPage() {
  const [state, reload] = useLoad(() => api.GET('/v1/health/overview'), 'health', true);
  return (
    <section>
      <h1>Health</h1>
      <button type="button" class="secondary" onClick={reload}>
        Refresh
      </button>
      <Show state={state} what="Health overview">
        {(health) => (
          <>
            <h2>Services</h2>
            <ul class="services">
              {health.services.map((service) => (
                <li key={service.name}>
                  <span class={`status ${service.ready ? 'delivered' : 'dead'}`}>
                    {service.ready ? 'ready' : 'not ready'}
                  </span>{' '}
                  {service.name}
                  {service.detail && <small> — {service.detail}</small>}
                </li>
              ))}
            </ul>
            <h2>Consumer lag</h2>
            <Table columns={['Group', 'Topic', 'Lag']}>
              {health.consumerLag.map((row) => (
                <tr key={`${row.group}/${row.topic}`}>
                  <td>{row.group}</td>
                  <td>{row.topic}</td>
                  <td>{row.lag}</td>
                </tr>
              ))}
            </Table>
            <h2>Circuit breakers</h2>
            {health.breakers.length === 0 ? (
              <p>Every breaker is closed.</p>
            ) : (
              <ul>
                {health.breakers.map((breaker) => (
                  <li key={breaker.endpointId}>
                    <a href={`/console/endpoints/${encodeURIComponent(breaker.endpointId)}`}>
                      {breaker.endpointId}
                    </a>
                    : {breaker.state} since {when(breaker.since)}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

import { Table } from '../ui/table';
import { useEffect, useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { isMoving, loadTrace, type DeliveryTrace } from '../api/trace';
import { useCan, useViewer } from '../me';
import { span, when } from '../ui/format';
import { Outcome, Show, useAction, useLoad } from '../ui/load';
import { Timeline } from '../ui/timeline';

/** One event: its data, its timeline, its deliveries and their attempts; retry a delivery, replay the event. */
export function EventPage(props: { id: string }) {
  const [state, reload] = useLoad(() => loadTrace(props.id), props.id);
  const [watchUntil, setWatchUntil] = useState(0);
  const moving = state.kind === 'ok' && state.data.deliveries.some(({ delivery }) => isMoving(delivery));
  // Deliveries move on their own: poll while one is moving, or for a minute after an action here.
  useEffect(() => {
    if (!moving && Date.now() > watchUntil) return;
    const timer = setTimeout(reload, 1500);
    return () => clearTimeout(timer);
  }, [state, watchUntil]);
  const acted = () => {
    setWatchUntil(Date.now() + 60_000);
    reload();
  };
  return (
    <section>
      <h1>Event</h1>
      <Show state={state} what="Event">
        {(trace) => (
          <>
            <EventSummary event={trace.event} onReplayed={acted} />
            <h2>Timeline</h2>
            <Timeline trace={trace} now={Date.now()} />
            <h2>Deliveries</h2>
            {trace.deliveries.length === 0 && (
              <p>No delivery yet (no endpoint subscribed, or not routed yet).</p>
            )}
            {trace.deliveries.map((item) => (
              <DeliveryCard key={item.delivery.id} trace={item} onRetried={acted} />
            ))}
          </>
        )}
      </Show>
    </section>
  );
}

function EventSummary(props: { event: Schemas['Event']; onReplayed: () => void }) {
  const can = useCan();
  const action = useAction();
  const { event } = props;
  return (
    <article>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{event.id}</code>
        </dd>
        <dt>Type</dt>
        <dd>{event.type}</dd>
        <dt>Tenant</dt>
        <dd>{event.tenant ?? '—'}</dd>
        <dt>Received</dt>
        <dd>{when(event.receivedAt)}</dd>
      </dl>
      <details>
        <summary>Data</summary>
        <pre>{JSON.stringify(event.data, null, 2)}</pre>
      </details>
      {can('deliveries:replay') && (
        <button
          type="button"
          class="secondary"
          aria-busy={action.busy}
          onClick={() =>
            void action.run(
              'Replay to current subscribers',
              () => api.POST('/v1/events/{id}/replay', { params: { path: { id: event.id } } }),
              props.onReplayed,
            )
          }
        >
          Replay to current subscribers
        </button>
      )}
      <Outcome>{action.message}</Outcome>
    </article>
  );
}

function DeliveryCard(props: { trace: DeliveryTrace; onRetried: () => void }) {
  const { delivery, attempts } = props.trace;
  const { base } = useViewer();
  const can = useCan();
  const action = useAction();
  return (
    <article class="delivery" data-testid="delivery" data-status={delivery.status}>
      <header>
        <span class={`status ${delivery.status}`} data-testid="delivery-status">
          {delivery.status}
        </span>{' '}
        to <a href={`${base}/endpoints/${encodeURIComponent(delivery.endpointId)}`}>{delivery.endpointId}</a>
        {' · '}
        {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
        {delivery.nextAttemptAt && isMoving(delivery) && <> · next {when(delivery.nextAttemptAt)}</>}
      </header>
      <Table
        caption={`Attempts of delivery ${delivery.id}`}
        columns={['#', 'Started', 'Latency', 'Response', 'Excerpt']}
      >
        {[...attempts]
          .sort((a, b) => a.attempt - b.attempt)
          .map((attempt) => (
            <tr key={attempt.attempt} data-testid="attempt">
              <td>{attempt.attempt}</td>
              <td>{when(attempt.startedAt)}</td>
              <td>{span(attempt.durationMs)}</td>
              <td>{attempt.statusCode ?? attempt.error ?? '—'}</td>
              <td>
                <code class="excerpt">{attempt.responseBody ?? ''}</code>
              </td>
            </tr>
          ))}
      </Table>
      {can('deliveries:replay') && (
        <button
          type="button"
          aria-busy={action.busy}
          disabled={action.busy}
          onClick={() =>
            void action.run(
              'Retry',
              () => api.POST('/v1/deliveries/{id}/retry', { params: { path: { id: delivery.id } } }),
              props.onRetried,
            )
          }
        >
          Retry delivery
        </button>
      )}
      <Outcome>{action.message}</Outcome>
    </article>
  );
}

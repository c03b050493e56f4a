import { Field } from '../ui/field';
import { Table } from '../ui/table';
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { useCan, useViewer } from '../me';
import { when } from '../ui/format';
import { Outcome, Show, useAction, useLoad } from '../ui/load';

/** Dead letters, optionally of one endpoint; redrive them all. */
export function DeadLettersPage() {
  const { base } = useViewer();
  const can = useCan();
  const action = useAction();
  const [draft, setDraft] = useState('');
  const [endpointId, setEndpointId] = useState('');
  const [state, reload] = useLoad(
    () =>
      api.GET('/v1/dead-letters', { params: { query: { limit: 100, endpointId: endpointId || undefined } } }),
    endpointId,
  );
  return (
    <section>
      <h1>Dead letters</h1>
      <form
        class="inline"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setEndpointId(draft.trim());
        }}
      >
        <Field label="Endpoint id" name="endpointId" value={draft} onValue={setDraft} />
        <button type="submit">Filter</button>
      </form>
      {can('deliveries:replay') && (
        <button
          type="button"
          onClick={() =>
            void action.run(
              'Redrive',
              () => api.POST('/v1/dead-letters/redrive', { body: endpointId ? { endpointId } : {} }),
              reload,
            )
          }
        >
          Redrive {endpointId ? "this endpoint's" : 'every'} dead letter
        </button>
      )}
      <Outcome>{action.message}</Outcome>
      <Show state={state} what="Dead letters">
        {(page) =>
          page.data.length === 0 ? (
            <p>No dead letters.</p>
          ) : (
            <Table columns={['Event', 'Endpoint', 'Attempts', 'Last error', 'Dead since']}>
              {page.data.map((dead) => (
                <tr key={dead.deliveryId}>
                  <td>
                    <a href={`${base}/events/${encodeURIComponent(dead.eventId)}`}>{dead.eventId}</a>
                  </td>
                  <td>{dead.endpointId}</td>
                  <td>{dead.attempts}</td>
                  <td>{dead.lastStatusCode ?? dead.lastError ?? '—'}</td>
                  <td>
                    {when(dead.deadAt)}
                    {dead.redrivenAt && ` (redriven ${when(dead.redrivenAt)})`}
                  </td>
                </tr>
              ))}
            </Table>
          )
        }
      </Show>
    </section>
  );
}

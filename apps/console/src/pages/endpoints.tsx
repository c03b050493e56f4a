import { Field } from '../ui/field';
import { Table } from '../ui/table';
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { useCan, useViewer } from '../me';
import { EventTypesField } from '../ui/event-types';
import { Outcome, Show, useAction, useLoad } from '../ui/load';

/** Endpoints: a list searched by the API (id, url, description), and a form to create one (its secret shown once). */
export function EndpointsPage() {
  const can = useCan();
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [state, reload] = useLoad(
    () => api.GET('/v1/endpoints', { params: { query: { limit: 100, cursor, q: query || undefined } } }),
    JSON.stringify([query, cursor]),
  );
  return (
    <section>
      <h1>Endpoints</h1>
      {can('endpoints:write') && <CreateEndpoint onCreated={reload} />}
      <form
        class="filters"
        role="search"
        aria-label="Endpoints"
        onSubmit={(event) => {
          event.preventDefault();
          setCursor(undefined);
          setQuery(search.trim());
        }}
      >
        <Field
          label="Search endpoints (id, URL or description)"
          type="search"
          name="q"
          maxLength={200}
          value={search}
          onValue={setSearch}
        />
        <button type="submit">Search</button>
      </form>
      <Show state={state} what="Endpoints">
        {(page) => (
          <>
            <EndpointTable endpoints={page.data} searched={query !== ''} />
            {page.nextCursor && (
              <button
                type="button"
                class="secondary"
                onClick={() => page.nextCursor && setCursor(page.nextCursor)}
              >
                Next page
              </button>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function EndpointTable(props: { endpoints: Schemas['Endpoint'][]; searched: boolean }) {
  const { base } = useViewer();
  if (props.endpoints.length === 0) return <p>{props.searched ? 'No endpoints match.' : 'No endpoints.'}</p>;
  return (
    <Table columns={['URL', 'Event types', 'State', 'Tenant']}>
      {props.endpoints.map((endpoint) => (
        <tr key={endpoint.id}>
          <td>
            <a href={`${base}/endpoints/${encodeURIComponent(endpoint.id)}`}>
              {endpoint.url ?? endpoint.destination?.topic ?? endpoint.id}
            </a>
            {endpoint.description && <small class="block">{endpoint.description}</small>}
          </td>
          <td>{endpoint.eventTypes.join(', ')}</td>
          <td>
            {endpoint.enabled
              ? 'enabled'
              : `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`}
          </td>
          <td>{endpoint.tenant ?? '—'}</td>
        </tr>
      ))}
    </Table>
  );
}

function CreateEndpoint(props: { onCreated: () => void }) {
  const viewer = useViewer();
  const action = useAction();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>(['*']);
  const [tenant, setTenant] = useState('');
  const [maxAttempts, setMaxAttempts] = useState('');
  const [created, setCreated] = useState<Schemas['CreatedEndpoint'] | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const attempts = Number(maxAttempts);
    await action.run(
      'Create endpoint',
      async () => {
        const answer = await api.POST('/v1/endpoints', {
          body: {
            url,
            description: description || undefined,
            eventTypes: eventTypes.length ? eventTypes : ['*'],
            tenant: tenant || undefined,
            ordered: false,
            headers: {},
            enabled: true,
            retryPolicy: maxAttempts
              ? { maxAttempts: attempts, baseSeconds: 5, factor: 2, capSeconds: 3600 }
              : undefined,
          },
        });
        if (answer.data) setCreated(answer.data);
        return answer;
      },
      props.onCreated,
    );
  };
  return (
    <details>
      <summary role="button" class="outline">
        New endpoint
      </summary>
      <form onSubmit={(event) => void submit(event)} aria-label="New endpoint">
        <Field label="URL" type="url" name="url" required value={url} onValue={setUrl} />
        <Field label="Description" name="description" value={description} onValue={setDescription} />
        <EventTypesField value={eventTypes} onChange={setEventTypes} />
        {!viewer.portal && (
          <Field
            label="Tenant (empty: an operator endpoint, receiving every tenant's events)"
            name="tenant"
            value={tenant}
            onValue={setTenant}
          />
        )}
        <Field
          label="Attempts in total before a dead letter (empty: the gateway's default policy)"
          type="number"
          name="maxAttempts"
          min={1}
          max={50}
          value={maxAttempts}
          onValue={setMaxAttempts}
        />
        <button type="submit" aria-busy={action.busy} disabled={action.busy}>
          Create endpoint
        </button>
      </form>
      <Outcome>{action.message}</Outcome>
      {created && (
        <p>
          Created <a href={`${viewer.base}/endpoints/${encodeURIComponent(created.id)}`}>{created.url}</a>.
          Its signing secret (shown once here; the endpoint's page can show it again):{' '}
          <code data-testid="new-secret">{created.secret}</code>
        </p>
      )}
    </details>
  );
}

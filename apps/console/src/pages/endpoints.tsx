import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { useCan, useViewer } from '../me';
import { EventTypesField } from '../ui/event-types';
import { Outcome, Show, useAction, useLoad } from '../ui/load';

/** Endpoints: a searchable list, and a form to create one (its secret shown once). */
export function EndpointsPage() {
  const can = useCan();
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [search, setSearch] = useState('');
  const [state, reload] = useLoad(
    () => api.GET('/v1/endpoints', { params: { query: { limit: 100, cursor } } }),
    cursor ?? '',
  );
  return (
    <section>
      <h1>Endpoints</h1>
      {can('endpoints:write') && <CreateEndpoint onCreated={reload} />}
      <label>
        Search endpoints
        <input
          type="search"
          name="search"
          value={search}
          onInput={(event) => setSearch(event.currentTarget.value)}
        />
      </label>
      <Show state={state} what="Endpoints">
        {(page) => (
          <>
            <EndpointTable endpoints={page.data.filter((endpoint) => matches(endpoint, search))} />
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

const matches = (endpoint: Schemas['Endpoint'], search: string): boolean => {
  const needle = search.trim().toLowerCase();
  return (
    !needle ||
    [
      endpoint.id,
      endpoint.url ?? '',
      endpoint.description ?? '',
      endpoint.tenant ?? '',
      ...endpoint.eventTypes,
    ].some((text) => text.toLowerCase().includes(needle))
  );
};

function EndpointTable(props: { endpoints: Schemas['Endpoint'][] }) {
  const { base } = useViewer();
  if (props.endpoints.length === 0) return <p>No endpoints.</p>;
  return (
    <div class="overflow-auto">
      <table class="striped">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Event types</th>
            <th scope="col">State</th>
            <th scope="col">Tenant</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
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
        <label>
          URL
          <input
            type="url"
            name="url"
            required
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
        </label>
        <label>
          Description
          <input
            name="description"
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </label>
        <EventTypesField value={eventTypes} onChange={setEventTypes} />
        {!viewer.portal && (
          <label>
            Tenant (empty: an operator endpoint, receiving every tenant&apos;s events)
            <input name="tenant" value={tenant} onInput={(event) => setTenant(event.currentTarget.value)} />
          </label>
        )}
        <label>
          Attempts in total before a dead letter (empty: the gateway&apos;s default policy)
          <input
            type="number"
            name="maxAttempts"
            min={1}
            max={50}
            value={maxAttempts}
            onInput={(event) => setMaxAttempts(event.currentTarget.value)}
          />
        </label>
        <button type="submit" aria-busy={action.busy} disabled={action.busy}>
          Create endpoint
        </button>
      </form>
      <Outcome>{action.message}</Outcome>
      {created && (
        <p>
          Created <a href={`${viewer.base}/endpoints/${encodeURIComponent(created.id)}`}>{created.url}</a>.
          Its signing secret (shown once here; the endpoint&apos;s page can show it again):{' '}
          <code data-testid="new-secret">{created.secret}</code>
        </p>
      )}
    </details>
  );
}

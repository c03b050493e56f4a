import { Field } from '../ui/field';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, type Schemas } from '../api/client';
import { useCan, useViewer } from '../me';
import { EventTypesField } from '../ui/event-types';
import { isoFromLocal, when } from '../ui/format';
import { Outcome, Show, useAction, useLoad } from '../ui/load';
import { EndpointStats } from './stats';

/** One endpoint: its chart, settings, secret, test event, recover, delete. */
export function EndpointPage(props: { id: string }) {
  const can = useCan();
  const [state, reload] = useLoad(
    () => api.GET('/v1/endpoints/{id}', { params: { path: { id: props.id } } }),
    props.id,
  );
  return (
    <section>
      <h1>Endpoint</h1>
      <Show state={state} what="Endpoint">
        {(endpoint) => (
          <>
            <Summary endpoint={endpoint} />
            <h2>Last 24 hours</h2>
            <EndpointStats id={endpoint.id} />
            {can('endpoints:write') && (
              <Settings key={endpoint.updatedAt} endpoint={endpoint} onSaved={reload} />
            )}
            {can('endpoints:write') && <Secret id={endpoint.id} />}
            {can('endpoints:write') && <TestEvent id={endpoint.id} />}
            {can('deliveries:replay') && <Recover id={endpoint.id} />}
            {can('endpoints:write') && <Delete id={endpoint.id} />}
          </>
        )}
      </Show>
    </section>
  );
}

function Summary(props: { endpoint: Schemas['Endpoint'] }) {
  const { endpoint } = props;
  return (
    <dl class="facts">
      <dt>Id</dt>
      <dd>
        <code>{endpoint.id}</code>
      </dd>
      <dt>Target</dt>
      <dd>{endpoint.url ?? `Kafka topic ${endpoint.destination?.topic ?? '?'}`}</dd>
      <dt>State</dt>
      <dd data-testid="endpoint-state">
        {endpoint.enabled
          ? 'enabled'
          : `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`}
      </dd>
      <dt>Event types</dt>
      <dd>{endpoint.eventTypes.join(', ')}</dd>
      <dt>Tenant</dt>
      <dd>{endpoint.tenant ?? '—'}</dd>
      <dt>Retry policy</dt>
      <dd>
        {endpoint.retryPolicy
          ? `${endpoint.retryPolicy.maxAttempts} attempts, ${endpoint.retryPolicy.baseSeconds} s × ${endpoint.retryPolicy.factor} up to ${endpoint.retryPolicy.capSeconds} s`
          : 'the gateway default'}
      </dd>
      <dt>Updated</dt>
      <dd>{when(endpoint.updatedAt)}</dd>
    </dl>
  );
}

function Settings(props: { endpoint: Schemas['Endpoint']; onSaved: () => void }) {
  const { endpoint } = props;
  const action = useAction();
  const [url, setUrl] = useState(endpoint.url ?? '');
  const [description, setDescription] = useState(endpoint.description ?? '');
  const [eventTypes, setEventTypes] = useState(endpoint.eventTypes);
  const path = { id: endpoint.id };
  const save = (event: Event) => {
    event.preventDefault();
    void action.run(
      'Save',
      () =>
        api.PATCH('/v1/endpoints/{id}', {
          params: { path },
          body: { ...(endpoint.url ? { url } : {}), description: description || null, eventTypes },
        }),
      props.onSaved,
    );
  };
  return (
    <article>
      <h2>Settings</h2>
      <form onSubmit={save} aria-label="Endpoint settings">
        {endpoint.url && <Field label="URL" type="url" name="url" required value={url} onValue={setUrl} />}
        <Field label="Description" name="description" value={description} onValue={setDescription} />
        <EventTypesField value={eventTypes} onChange={setEventTypes} />
        <div class="actions">
          <button type="submit" aria-busy={action.busy}>
            Save
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void action.run(
                endpoint.enabled ? 'Disable' : 'Enable',
                () =>
                  api.PATCH('/v1/endpoints/{id}', { params: { path }, body: { enabled: !endpoint.enabled } }),
                props.onSaved,
              )
            }
          >
            {endpoint.enabled ? 'Disable' : 'Enable'}
          </button>
        </div>
      </form>
      <Outcome>{action.message}</Outcome>
    </article>
  );
}

function Secret(props: { id: string }) {
  const action = useAction();
  const [key, setKey] = useState<string | null>(null);
  const [overlap, setOverlap] = useState('3600');
  const path = { id: props.id };
  return (
    <article>
      <h2>Signing secret</h2>
      {key && (
        <p>
          <code data-testid="secret">{key}</code>
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void action.run('Show secret', async () => {
              const answer = await api.GET('/v1/endpoints/{id}/secret', { params: { path } });
              setKey(answer.data?.key ?? null);
              return answer;
            })
          }
        >
          Show secret
        </button>
        <Field
          label="Old secret valid for (seconds)"
          type="number"
          name="overlapSeconds"
          min={0}
          value={overlap}
          onValue={setOverlap}
        />
        <button
          type="button"
          onClick={() =>
            void action.run('Rotate secret', async () => {
              const answer = await api.POST('/v1/endpoints/{id}/secret/rotate', {
                params: { path },
                body: { overlapSeconds: Number(overlap) },
              });
              setKey(answer.data?.key ?? null);
              return answer;
            })
          }
        >
          Rotate secret
        </button>
      </div>
      <Outcome>{action.message}</Outcome>
    </article>
  );
}

function TestEvent(props: { id: string }) {
  const { base } = useViewer();
  const action = useAction();
  const [eventId, setEventId] = useState<string | null>(null);
  return (
    <article>
      <h2>Test event</h2>
      <p>Sends a gateway.test event to this endpoint only.</p>
      <button
        type="button"
        onClick={() =>
          void action.run('Send test event', async () => {
            const answer = await api.POST('/v1/endpoints/{id}/test-event', {
              params: { path: { id: props.id } },
              body: { eventType: 'gateway.test', data: {} },
            });
            setEventId(answer.data?.eventId ?? null);
            return answer;
          })
        }
      >
        Send test event
      </button>
      <Outcome>{action.message}</Outcome>
      {eventId && <a href={`${base}/events/${encodeURIComponent(eventId)}`}>Open the test event</a>}
    </article>
  );
}

function Recover(props: { id: string }) {
  const action = useAction();
  const [since, setSince] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    const from = isoFromLocal(since);
    if (!from) return;
    void action.run('Recover', () =>
      api.POST('/v1/endpoints/{id}/recover', { params: { path: { id: props.id } }, body: { since: from } }),
    );
  };
  return (
    <article>
      <h2>Recover</h2>
      <form onSubmit={submit} aria-label="Recover failed deliveries">
        <Field
          label="Send again every failed delivery since"
          type="datetime-local"
          name="since"
          required
          value={since}
          onValue={setSince}
        />
        <button type="submit">Recover</button>
      </form>
      <Outcome>{action.message}</Outcome>
    </article>
  );
}

function Delete(props: { id: string }) {
  const { base } = useViewer();
  const { route } = useLocation();
  const action = useAction();
  const [sure, setSure] = useState(false);
  return (
    <article>
      <h2>Delete</h2>
      {sure ? (
        <div class="actions">
          <button
            type="button"
            class="danger"
            onClick={() =>
              void action.run(
                'Delete',
                () => api.DELETE('/v1/endpoints/{id}', { params: { path: { id: props.id } } }),
                () => route(`${base}/endpoints`),
              )
            }
          >
            Delete for good
          </button>
          <button type="button" class="secondary" onClick={() => setSure(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" class="secondary outline" onClick={() => setSure(true)}>
          Delete endpoint…
        </button>
      )}
      <Outcome>{action.message}</Outcome>
    </article>
  );
}

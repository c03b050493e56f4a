import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { useViewer } from '../me';
import { Field } from '../ui/field';
import { Outcome, useAction } from '../ui/load';

/** Publishes an event through POST /v1/events (the same call a service makes), then links to it. */
export function PublishEvent() {
  const { base } = useViewer();
  const action = useAction();
  const [type, setType] = useState('');
  const [data, setData] = useState('{}');
  const [published, setPublished] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const submit = (event: Event) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
      setInvalid(null);
    } catch (error) {
      setInvalid(`Data is not JSON: ${String(error)}`);
      return;
    }
    void action.run('Publish', async () => {
      const answer = await api.POST('/v1/events', { body: { type, data: parsed } });
      setPublished(answer.data?.id ?? null);
      return answer;
    });
  };
  return (
    <details>
      <summary role="button" class="outline">
        Publish an event
      </summary>
      <form onSubmit={submit} aria-label="Publish an event">
        <Field label="Event type" name="eventType" required value={type} onValue={setType} />
        <label>
          Data (JSON)
          <textarea
            name="data"
            rows={4}
            value={data}
            aria-invalid={invalid ? true : undefined}
            onInput={(event) => setData(event.currentTarget.value)}
          />
          {invalid && <small class="problem">{invalid}</small>}
        </label>
        <button type="submit" aria-busy={action.busy} disabled={action.busy}>
          Publish
        </button>
      </form>
      <Outcome>{action.message}</Outcome>
      {published && (
        <p>
          Published <a href={`${base}/events/${encodeURIComponent(published)}`}>{published}</a>.
        </p>
      )}
    </details>
  );
}

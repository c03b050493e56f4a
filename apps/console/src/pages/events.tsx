import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { useCan, useViewer } from '../me';
import { PublishEvent } from './publish';
import { when, isoFromLocal } from '../ui/format';
import { Table } from '../ui/table';
import { Show, useLoad } from '../ui/load';

type DeliveryStatus = Schemas['Delivery']['status'];

interface Filters {
  type: string;
  tenant: string;
  since: string;
  until: string;
  /** Empty: any; else only events with a delivery in this status. */
  status: DeliveryStatus | '';
}

const empty: Filters = { type: '', tenant: '', since: '', until: '', status: '' };

/** Every delivery status, in the order a delivery usually passes through them. */
const statuses: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  retrying: 'Retrying',
  delivered: 'Delivered',
  dead: 'Dead',
  cancelled: 'Cancelled',
};

/** The event log, filtered by type, tenant, time and delivery status; an event opens its deliveries. */
export function EventsPage() {
  const viewer = useViewer();
  const can = useCan();
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [state] = useLoad(
    () =>
      api.GET('/v1/events', {
        params: {
          query: {
            limit: 50,
            cursor,
            type: filters.type || undefined,
            tenant: filters.tenant || undefined,
            since: isoFromLocal(filters.since),
            until: isoFromLocal(filters.until),
            status: filters.status || undefined,
          },
        },
      }),
    JSON.stringify([filters, cursor]),
  );
  const field = (name: Exclude<keyof Filters, 'status'>) => ({
    value: draft[name],
    onInput: (event: Event) =>
      setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });
  return (
    <section>
      <h1>Events</h1>
      {can('events:publish') && <PublishEvent />}
      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setCursor(undefined);
          setFilters(draft);
        }}
      >
        <label>
          Type
          <input name="type" placeholder="order.created" {...field('type')} />
        </label>
        {!viewer.portal && (
          <label>
            Tenant
            <input name="tenant" {...field('tenant')} />
          </label>
        )}
        <label>
          Since
          <input type="datetime-local" name="since" {...field('since')} />
        </label>
        <label>
          Until
          <input type="datetime-local" name="until" {...field('until')} />
        </label>
        <label>
          Delivery status
          <select
            name="status"
            value={draft.status}
            onChange={(event) =>
              setDraft({ ...draft, status: event.currentTarget.value as Filters['status'] })
            }
          >
            <option value="">Any</option>
            {Object.entries(statuses).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <Show state={state} what="Events">
        {(page) => <EventTable events={page.data} next={page.nextCursor} onNext={setCursor} />}
      </Show>
    </section>
  );
}

function EventTable(props: {
  events: Schemas['Event'][];
  next: string | null | undefined;
  onNext: (cursor: string) => void;
}) {
  const { base } = useViewer();
  if (props.events.length === 0) return <p>No events match.</p>;
  return (
    <>
      <Table columns={['Event', 'Type', 'Tenant', 'Received']}>
        {props.events.map((event) => (
          <tr key={event.id}>
            <td>
              <a href={`${base}/events/${encodeURIComponent(event.id)}`}>{event.id}</a>
            </td>
            <td>{event.type}</td>
            <td>{event.tenant ?? '—'}</td>
            <td>{when(event.receivedAt)}</td>
          </tr>
        ))}
      </Table>
      {props.next && (
        <button type="button" class="secondary" onClick={() => props.next && props.onNext(props.next)}>
          Older events
        </button>
      )}
    </>
  );
}

import { Field } from '../ui/field';
import { Table } from '../ui/table';
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { when } from '../ui/format';
import { Outcome, Show, useAction, useLoad } from '../ui/load';

/** Tenants, a form to add one, and a portal link per tenant. */
export function TenantsPage() {
  const [state, reload] = useLoad(
    () => api.GET('/v1/tenants', { params: { query: { limit: 100 } } }),
    'tenants',
  );
  const action = useAction();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const create = (event: Event) => {
    event.preventDefault();
    void action.run(
      'Create tenant',
      () => api.POST('/v1/tenants', { body: { id, name, metadata: {} } }),
      () => {
        setId('');
        setName('');
        reload();
      },
    );
  };
  return (
    <section>
      <h1>Tenants</h1>
      <form onSubmit={create} class="inline" aria-label="New tenant">
        <Field
          label="New tenant's id"
          name="id"
          required
          pattern="[A-Za-z0-9._\-]{1,200}"
          value={id}
          onValue={setId}
        />
        <Field label="Name" name="name" required value={name} onValue={setName} />
        <button type="submit">Create tenant</button>
      </form>
      <Outcome>{action.message}</Outcome>
      <Show state={state} what="Tenants">
        {(page) =>
          page.data.length === 0 ? (
            <p>No tenants.</p>
          ) : (
            <Table columns={['Id', 'Name', 'Created', 'Portal']}>
              {page.data.map((tenant) => (
                <TenantRow key={tenant.id} tenant={tenant} />
              ))}
            </Table>
          )
        }
      </Show>
    </section>
  );
}

function TenantRow(props: { tenant: Schemas['Tenant'] }) {
  const action = useAction();
  const [url, setUrl] = useState<string | null>(null);
  const { tenant } = props;
  return (
    <tr>
      <td>
        <code>{tenant.id}</code>
      </td>
      <td>{tenant.name}</td>
      <td>{when(tenant.createdAt)}</td>
      <td>
        <button
          type="button"
          class="secondary outline"
          aria-label={`Portal link for ${tenant.name}`}
          onClick={() =>
            void action.run('Portal session', async () => {
              const answer = await api.POST('/v1/tenants/{id}/portal-sessions', {
                params: { path: { id: tenant.id } },
                body: {},
              });
              setUrl(answer.data?.url ?? null);
              return answer;
            })
          }
        >
          Portal link
        </button>
        {url && (
          <p>
            <a href={url} target="_blank" rel="noreferrer noopener">
              Open the portal
            </a>{' '}
            (one hour; the token is in the fragment, never sent to a server)
          </p>
        )}
        <Outcome>{action.message}</Outcome>
      </td>
    </tr>
  );
}

import { api } from '../api/client';
import { when } from '../ui/format';
import { Table } from '../ui/table';
import { Show, useLoad } from '../ui/load';
import { SourceStats } from './stats';

/** Inbound sources with the URL each provider posts to. */
export function SourcesPage() {
  const [state] = useLoad(() => api.GET('/v1/sources', { params: { query: { limit: 100 } } }), 'sources');
  return (
    <section>
      <h1>Sources</h1>
      <Show state={state} what="Sources">
        {(page) =>
          page.data.length === 0 ? (
            <p>No sources.</p>
          ) : (
            <Table columns={['Name', 'Provider', 'Inbound URL']}>
              {page.data.map((source) => (
                <tr key={source.id}>
                  <td>
                    <a href={`/console/sources/${encodeURIComponent(source.id)}`}>{source.name}</a>
                  </td>
                  <td>{source.provider}</td>
                  <td>
                    <code>{source.ingressUrl}</code>
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

/** One source: its settings, its inbound URL and its verification chart. */
export function SourcePage(props: { id: string }) {
  const [state] = useLoad(
    () => api.GET('/v1/sources/{id}', { params: { path: { id: props.id } } }),
    props.id,
  );
  return (
    <section>
      <h1>Source</h1>
      <Show state={state} what="Source">
        {(source) => (
          <>
            <dl class="facts">
              <dt>Name</dt>
              <dd>{source.name}</dd>
              <dt>Provider</dt>
              <dd>{source.provider}</dd>
              <dt>Inbound URL</dt>
              <dd>
                <code>{source.ingressUrl}</code>
              </dd>
              <dt>Secrets</dt>
              <dd>{source.secretFingerprints.join(', ')}</dd>
              <dt>Tolerance</dt>
              <dd>{source.toleranceSeconds} s</dd>
              <dt>Updated</dt>
              <dd>{when(source.updatedAt)}</dd>
            </dl>
            <h2>Verification, last 24 hours</h2>
            <SourceStats id={source.id} />
          </>
        )}
      </Show>
    </section>
  );
}

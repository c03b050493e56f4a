import { api } from '../api/client';
import { Show, useLoad } from '../ui/load';

/** The event-type catalog: each type with its JSON Schema and examples. */
export function CatalogPage() {
  const [state] = useLoad(() => api.GET('/v1/event-types', { params: { query: { limit: 100 } } }), 'catalog');
  return (
    <section>
      <h1>Event catalog</h1>
      <Show state={state} what="Event types">
        {(page) =>
          page.data.length === 0 ? (
            <p>The catalog is empty.</p>
          ) : (
            page.data.map((type) => (
              <article key={type.name}>
                <h2>
                  {type.name} {type.deprecated && <span class="tag">deprecated</span>}
                </h2>
                {type.description && <p>{type.description}</p>}
                <details>
                  <summary>Schema</summary>
                  <pre>{type.schema ? JSON.stringify(type.schema, null, 2) : 'none: any data'}</pre>
                </details>
                <details>
                  <summary>Examples ({type.examples.length})</summary>
                  {type.examples.map((example, index) => (
                    <pre key={index}>{JSON.stringify(example, null, 2)}</pre>
                  ))}
                </details>
              </article>
            ))
          )
        }
      </Show>
    </section>
  );
}

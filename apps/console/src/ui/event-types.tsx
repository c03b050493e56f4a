import { api } from '../api/client';
import { useLoad } from './load';

/**
 * Event types to subscribe to: checkboxes for the catalog's types, plus free patterns ("*",
 * "order.*") in one comma-separated field.
 */
export function EventTypesField(props: { value: string[]; onChange: (types: string[]) => void }) {
  const [catalog] = useLoad(
    () => api.GET('/v1/event-types', { params: { query: { limit: 100 } } }),
    'catalog',
  );
  const names = catalog.kind === 'ok' ? catalog.data.data.map((type) => type.name) : [];
  const patterns = props.value.filter((type) => !names.includes(type));
  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.value, name] : props.value.filter((type) => type !== name));
  return (
    <fieldset>
      <legend>Event types</legend>
      {names.map((name) => (
        <label key={name}>
          <input
            type="checkbox"
            checked={props.value.includes(name)}
            onChange={(event) => toggle(name, event.currentTarget.checked)}
          />
          {name}
        </label>
      ))}
      <label>
        Patterns (comma-separated, e.g. * or order.*)
        <input
          name="patterns"
          value={patterns.join(', ')}
          onChange={(event) =>
            props.onChange([
              ...props.value.filter((type) => names.includes(type)),
              ...event.currentTarget.value
                .split(',')
                .map((part) => part.trim())
                .filter(Boolean),
            ])
          }
        />
      </label>
    </fieldset>
  );
}

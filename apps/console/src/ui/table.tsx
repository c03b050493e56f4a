import type { ComponentChildren } from 'preact';

/** A striped table that scrolls sideways on a narrow screen; `columns` are its header cells. */
export function Table(props: { columns: string[]; children: ComponentChildren; caption?: string }) {
  return (
    <div class="overflow-auto">
      <table class="striped">
        {props.caption && <caption class="sr-only">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

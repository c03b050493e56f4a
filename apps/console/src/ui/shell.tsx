import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useCan, useViewer } from '../me';

interface Item {
  path: string;
  label: string;
  scope: string;
  operatorOnly?: boolean;
}

const items: Item[] = [
  { path: '/events', label: 'Events', scope: 'events:read' },
  { path: '/endpoints', label: 'Endpoints', scope: 'endpoints:read' },
  { path: '/dead-letters', label: 'Dead letters', scope: 'events:read' },
  { path: '/catalog', label: 'Catalog', scope: 'events:read' },
  { path: '/sources', label: 'Sources', scope: 'sources:read', operatorOnly: true },
  { path: '/tenants', label: 'Tenants', scope: 'tenants:admin', operatorOnly: true },
  { path: '/health', label: 'Health', scope: 'endpoints:read', operatorOnly: true },
];

/** The header (branding, the pages this token may see, sign out) around every page. */
export function Shell(props: { children: ComponentChildren; onSignOut: () => void }) {
  const viewer = useViewer();
  const can = useCan();
  const { path } = useLocation();
  const shown = items.filter((item) => can(item.scope) && !(item.operatorOnly && viewer.portal));
  const { branding } = viewer.me;
  return (
    <>
      <header class="container">
        <nav aria-label="Main">
          <ul>
            <li class="brand">
              {branding.logoUrl && <img src={branding.logoUrl} alt="" height={32} />}
              <strong>{branding.name}</strong>
              {viewer.portal && <span class="tag">portal</span>}
            </li>
          </ul>
          <ul class="links">
            {shown.map((item) => {
              const href = `${viewer.base}${item.path}`;
              return (
                <li key={item.path}>
                  <a href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              );
            })}
            <li>
              <button type="button" class="secondary outline" onClick={props.onSignOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
        {!viewer.known && (
          <p class="notice" role="status">
            This gateway has no GET /v1/me yet: every page shows, and the API still checks each call&apos;s
            scope.
          </p>
        )}
      </header>
      <main class="container">{props.children}</main>
    </>
  );
}

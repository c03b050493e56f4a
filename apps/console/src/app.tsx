import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router } from 'preact-iso';
import { api } from './api/client';
import { defaultBranding, ViewerContext, type Me, type Viewer } from './me';
import { CatalogPage } from './pages/catalog';
import { DeadLettersPage } from './pages/dead-letters';
import { EndpointPage } from './pages/endpoint';
import { EndpointsPage } from './pages/endpoints';
import { EventPage } from './pages/event';
import { EventsPage } from './pages/events';
import { HealthPage } from './pages/health';
import { SignIn } from './pages/sign-in';
import { SourcePage, SourcesPage } from './pages/sources';
import { TenantsPage } from './pages/tenants';
import { currentToken, signOut } from './session';
import { Shell } from './ui/shell';

const portalScopes = ['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:replay'];
const isPortal = (path: string): boolean => path === '/console/portal' || path.startsWith('/console/portal/');

type Session =
  { kind: 'signed-out'; reason: string | null } | { kind: 'checking' } | { kind: 'in'; viewer: Viewer };

/** Asks the gateway who the token is (GET /v1/me); a gateway without that route is asked a list instead. */
async function whoIs(portal: boolean): Promise<{ me: Me; known: boolean } | { refused: string }> {
  const { data, response } = await api.GET('/v1/me');
  if (data && response.ok) return { me: data, known: true };
  if (response.status === 401)
    return { refused: 'The gateway refused this token (expired, revoked or wrong).' };
  if (response.status !== 404) return { refused: `The gateway answered ${response.status} to GET /v1/me.` };
  const probe = await api.GET('/v1/endpoints', { params: { query: { limit: 1 } } });
  if (probe.response.status === 401)
    return { refused: 'The gateway refused this token (expired, revoked or wrong).' };
  // Unknown scopes: the operator view shows every page, the portal its own; the API decides each call.
  return {
    me: {
      admin: !portal,
      keyId: null,
      tenantId: null,
      scopes: portal ? portalScopes : [],
      expiresAt: null,
      branding: defaultBranding,
    },
    known: false,
  };
}

/** Applies the tenant's (or the gateway's) primary colour as Pico's CSS variables (CSSOM, not inline styles). */
function applyBranding(color: string | null): void {
  const style = document.documentElement.style;
  for (const name of ['--pico-primary', '--pico-primary-background', '--brand'])
    if (color) style.setProperty(name, color);
    else style.removeProperty(name);
}

export function App() {
  const portal = isPortal(window.location.pathname);
  const [session, setSession] = useState<Session>(
    currentToken() ? { kind: 'checking' } : { kind: 'signed-out', reason: null },
  );
  const check = () => {
    setSession({ kind: 'checking' });
    whoIs(portal).then(
      (answer) => {
        if ('refused' in answer) {
          signOut();
          setSession({ kind: 'signed-out', reason: answer.refused });
          return;
        }
        applyBranding(answer.me.branding.primaryColor);
        document.title = `${answer.me.branding.name}${portal ? ' — portal' : ' — console'}`;
        setSession({
          kind: 'in',
          viewer: { ...answer, portal, base: portal ? '/console/portal' : '/console' },
        });
      },
      (error: unknown) =>
        setSession({ kind: 'signed-out', reason: `The gateway is unreachable: ${String(error)}` }),
    );
  };
  useEffect(() => {
    if (currentToken()) check();
    // once, at load; later sign-ins call check themselves
  }, []);

  if (session.kind === 'checking') return <main class="container" aria-busy="true" />;
  if (session.kind === 'signed-out')
    return <SignIn portal={portal} reason={session.reason} onSignedIn={check} />;
  const base = session.viewer.base;
  const leave = () => {
    signOut();
    setSession({ kind: 'signed-out', reason: null });
  };
  return (
    <ViewerContext.Provider value={session.viewer}>
      <LocationProvider scope="/console">
        <Shell onSignOut={leave}>
          <Router>
            <Route path={`${base}/endpoints`} component={EndpointsPage} />
            <Route path={`${base}/endpoints/:id`} component={EndpointPage} />
            <Route path={`${base}/events`} component={EventsPage} />
            <Route path={`${base}/events/:id`} component={EventPage} />
            <Route path={`${base}/dead-letters`} component={DeadLettersPage} />
            <Route path={`${base}/catalog`} component={CatalogPage} />
            <Route path="/console/sources" component={SourcesPage} />
            <Route path="/console/sources/:id" component={SourcePage} />
            <Route path="/console/tenants" component={TenantsPage} />
            <Route path="/console/health" component={HealthPage} />
            <Route default component={EventsPage} />
          </Router>
        </Shell>
      </LocationProvider>
    </ViewerContext.Provider>
  );
}

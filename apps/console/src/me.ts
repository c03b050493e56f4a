import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Schemas } from './api/client';
import type { paths } from './api/schema';

export type Me = paths['/v1/me']['get']['responses'][200]['content']['application/json'];

/** Who is signed in, and where: the operator view (/console) or the tenant portal (/console/portal). */
export interface Viewer {
  me: Me;
  /** False while the gateway has no GET /v1/me: every page shows, the API still checks each call. */
  known: boolean;
  portal: boolean;
  base: string;
}

export const defaultBranding: Me['branding'] = { name: 'Webhook gateway', logoUrl: null, primaryColor: null };

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside the signed-in app');
  return viewer;
}

/** Whether the signed-in token holds a scope (the admin token holds all). */
export function useCan(): (scope: string) => boolean {
  const { me } = useViewer();
  return (scope) => me.admin || me.scopes.includes(scope);
}

export type Endpoint = Schemas['Endpoint'];

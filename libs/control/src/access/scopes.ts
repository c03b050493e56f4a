import { z } from 'zod';

/** What a key may do. A route declares the one scope it needs (apps/api route-scopes.ts). */
export const scope = z.enum([
  'endpoints:read',
  'endpoints:write',
  'events:publish',
  'events:read',
  'deliveries:replay',
  'sources:read',
  'sources:write',
  'tenants:admin',
  'audit:read',
  'event-types:write',
]);
export type Scope = z.infer<typeof scope>;
export const allScopes: readonly Scope[] = scope.options;

/**
 * Who is calling: the admin token (`actor` = `admin`, every scope, no tenant) or an API key (its
 * id, its scopes, and the tenant it is confined to, null for an operator key).
 */
export interface Caller {
  readonly actor: string;
  readonly tenant: string | null;
  readonly scopes: ReadonlySet<Scope>;
  /** When the key stops working (a portal session's end); null: until revoked, or the admin token. */
  readonly expiresAt?: Date | null;
}

export const adminCaller: Caller = { actor: 'admin', tenant: null, scopes: new Set(allScopes) };

/**
 * The tenant a caller is confined to, as the repositories' filters take it: undefined for the
 * operator (every tenant).
 */
export const confinedTo = (caller: Caller): string | undefined => caller.tenant ?? undefined;

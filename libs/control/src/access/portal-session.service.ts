import type { PortalSessionBody, PortalSessionView } from '../console/console.schemas';
import type { ApiKeyRefused, ApiKeyService } from './api-key.service';
import type { Caller, Scope } from './scopes';

/** What a portal session may do: the tenant's endpoints, its delivery log, and replay. */
export const portalScopes: readonly Scope[] = [
  'endpoints:read',
  'endpoints:write',
  'events:read',
  'deliveries:replay',
];

export interface PortalSettings {
  /** PORTAL_SESSION_TTL_SECONDS. */
  ttlSeconds: number;
  /** CONSOLE_PUBLIC_URL; unset: the request's own origin. */
  publicUrl: string | undefined;
}

/**
 * Tenant portal sessions (ADR 0030): each is an ordinary API key of the tenant (issued by
 * ApiKeyService, stored hashed), with the portal's fixed scopes and an expiry, handed out in a URL
 * whose fragment holds the token. Undefined = no such tenant (or not the caller's).
 */
export class PortalSessionService {
  constructor(
    private readonly keys: Pick<ApiKeyService, 'create'>,
    private readonly settings: PortalSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async open(
    tenant: string,
    body: PortalSessionBody,
    caller: Caller,
    origin: string,
  ): Promise<PortalSessionView | ApiKeyRefused | undefined> {
    if (caller.tenant !== null && caller.tenant !== tenant) return undefined;
    const expiresAt = new Date(
      this.now() + (body.ttlSeconds ?? this.settings.ttlSeconds) * 1000,
    ).toISOString();
    const issued = await this.keys.create(
      { name: 'portal session', tenant, scopes: [...portalScopes], expiresAt },
      caller,
    );
    if ('refused' in issued) return issued.refused === 'tenant' ? undefined : issued;
    return {
      url: `${this.settings.publicUrl ?? origin}/console/portal#token=${encodeURIComponent(issued.key)}`,
      token: issued.key,
      expiresAt,
      scopes: issued.scopes,
    };
  }
}

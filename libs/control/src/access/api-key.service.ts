import type { ApiKeyRecord, ApiKeysRepository, TenantsRepository } from '@gateway/persistence';
import { newApiKeyId } from '../ids';
import { toIdPage, type Page } from '../pagination';
import { newApiKey } from './api-key-secret';
import type { Caller } from './scopes';
import type { ApiKeyListQuery, ApiKeyView, CreateApiKey, CreatedApiKeyView } from './api-key.schemas';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

const toApiKeyView = ({
  hash: _hash,
  expiresAt,
  revokedAt,
  lastUsedAt,
  createdAt,
  ...rest
}: ApiKeyRecord): ApiKeyView => ({
  ...rest,
  expiresAt: iso(expiresAt),
  revokedAt: iso(revokedAt),
  lastUsedAt: iso(lastUsedAt),
  createdAt: createdAt.toISOString(),
});

/** Why a key was not issued: scopes the caller lacks (403), or a tenant it may not name or that does not exist (400). */
export interface ApiKeyRefused {
  refused: 'scopes' | 'tenant';
  detail: string;
}

export const isRefused = (value: object): value is ApiKeyRefused => 'refused' in value;

/**
 * Issuing, listing and revoking API keys. `confinedTo` is the caller's tenant: a tenant's caller
 * issues keys for its own tenant only and sees only those.
 */
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly tenants: Pick<TenantsRepository, 'find'>,
  ) {}

  /** A caller issues keys with at most its own scopes (no key can grant more than it holds). */
  async create(input: CreateApiKey, caller: Caller): Promise<CreatedApiKeyView | ApiKeyRefused> {
    const confinedTo = caller.tenant ?? undefined;
    const tenant = confinedTo ?? input.tenant ?? null;
    const beyond = input.scopes.filter((name) => !caller.scopes.has(name));
    if (beyond.length > 0) {
      return {
        refused: 'scopes',
        detail: `the key would hold scopes the caller lacks: ${beyond.join(', ')}`,
      };
    }
    if (confinedTo !== undefined && input.tenant !== undefined && input.tenant !== confinedTo) {
      return { refused: 'tenant', detail: 'a tenant key issues keys for its own tenant only' };
    }
    if (tenant !== null && !(await this.tenants.find(tenant))) {
      return { refused: 'tenant', detail: `no tenant ${tenant}` };
    }
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    const { key, prefix, hash } = newApiKey();
    const row = await this.keys.insert(newApiKeyId(), {
      name: input.name,
      tenant,
      scopes: [...new Set(input.scopes)],
      prefix,
      hash,
      expiresAt,
    });
    return { ...toApiKeyView(row), key };
  }

  async list(query: ApiKeyListQuery, confinedTo: string | undefined): Promise<Page<ApiKeyView>> {
    const rows = await this.keys.list({ tenant: confinedTo, after: query.cursor, limit: query.limit + 1 });
    return toIdPage(rows, query.limit, toApiKeyView);
  }

  /** False when there is no such key (or it is another tenant's). */
  async revoke(id: string, confinedTo: string | undefined): Promise<boolean> {
    return (await this.keys.revoke(id, confinedTo)) !== undefined;
  }
}

import type { TenantsRepository } from '@gateway/persistence';
import type { Caller } from '../access/scopes';
import type { MeView } from './console.schemas';

/** The console's own branding (CONSOLE_BRAND_*), which a tenant's branding overrides field by field. */
export interface BrandDefaults {
  name: string;
  logoUrl: string | null;
  primaryColor: string | null;
}

/** `GET /v1/me`: who a credential is, and the branding its console shows. */
export class MeService {
  constructor(
    private readonly tenants: Pick<TenantsRepository, 'find'>,
    private readonly brand: BrandDefaults,
  ) {}

  async me(caller: Caller): Promise<MeView> {
    const admin = caller.actor === 'admin';
    const branding = caller.tenant === null ? null : (await this.tenants.find(caller.tenant))?.branding;
    return {
      admin,
      keyId: admin ? null : caller.actor,
      tenantId: caller.tenant,
      scopes: [...caller.scopes].sort(),
      expiresAt: caller.expiresAt?.toISOString() ?? null,
      branding: {
        name: branding?.name ?? this.brand.name,
        logoUrl: branding?.logoUrl ?? this.brand.logoUrl,
        primaryColor: branding?.primaryColor ?? this.brand.primaryColor,
      },
    };
  }
}

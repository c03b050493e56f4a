import { createHash, randomBytes } from 'node:crypto';
import type { SourceRecord, SourcesRepository } from '@gateway/persistence';
import { providerKeySchema } from '@gateway/signing';
import { toIdPage, type Page } from '../pagination';
import { secretIssues, type SourceIssue } from './source-secrets';
import type { CreateSource, SourceListQuery, SourceView, UpdateSource } from './source.schemas';

/** 16 random bytes in base64url: unguessable, since the id is the ingress URL's only secret-free part. */
export const newSourceId = (): string => `src_${randomBytes(16).toString('base64url')}`;

const fingerprint = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex').slice(0, 12);

/** A create or update the signing lib could not verify with: a 400 naming each field. */
export interface SourceRejected {
  invalid: SourceIssue[];
}

export const isRejected = (value: unknown): value is SourceRejected =>
  typeof value === 'object' && value !== null && 'invalid' in value;

/** Sources of inbound webhooks; `undefined` / `false` = no such source. */
export class SourceService {
  /** `publicBaseUrl` is PUBLIC_BASE_URL without a trailing slash. */
  constructor(
    private readonly sources: SourcesRepository,
    private readonly publicBaseUrl: string,
  ) {}

  /** `confinedTo` (here and below): the caller's tenant, whose sources it creates and alone sees. */
  async create(input: CreateSource, confinedTo?: string): Promise<SourceView | SourceRejected> {
    const invalid = secretIssues(input.provider, input.secrets, input.options);
    if (invalid.length > 0) return { invalid };
    return this.view(await this.sources.insert(newSourceId(), { ...input, tenant: confinedTo ?? null }));
  }

  async list(query: SourceListQuery, confinedTo?: string): Promise<Page<SourceView>> {
    const rows = await this.sources.list({
      provider: query.provider,
      tenant: confinedTo,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toIdPage(rows, query.limit, (row) => this.view(row));
  }

  async get(id: string, confinedTo?: string): Promise<SourceView | undefined> {
    const row = await this.sources.find(id, confinedTo);
    return row && this.view(row);
  }

  /** Checks the secrets against the provider as they will be after the change. */
  async update(
    id: string,
    patch: UpdateSource,
    confinedTo?: string,
  ): Promise<SourceView | SourceRejected | undefined> {
    const current = await this.sources.find(id, confinedTo);
    if (!current) return undefined;
    const provider = providerKeySchema.safeParse(patch.provider ?? current.provider);
    if (!provider.success) return { invalid: [{ path: 'provider', message: 'unknown provider' }] };
    const options = patch.options === undefined ? current.options : patch.options;
    const invalid = secretIssues(provider.data, patch.secrets ?? current.secrets, options);
    if (invalid.length > 0) return { invalid };
    const row = await this.sources.update(id, patch, confinedTo);
    return row && this.view(row);
  }

  remove(id: string, confinedTo?: string): Promise<boolean> {
    return this.sources.delete(id, confinedTo);
  }

  private view({ secrets, createdAt, updatedAt, ...rest }: SourceRecord): SourceView {
    return {
      ...rest,
      secretFingerprints: secrets.map(fingerprint),
      ingressUrl: `${this.publicBaseUrl}/in/${rest.id}`,
      createdAt: createdAt.toISOString(),
      updatedAt: updatedAt.toISOString(),
    };
  }
}

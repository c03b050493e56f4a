import type { EndpointsRepository, TenantRecord, TenantsRepository } from '@gateway/persistence';
import type { EndpointStatusService } from '../endpoints/endpoint-status.service';
import type { CatalogRejected } from '../event-types/event-type.service';
import { toIdPage, type Page } from '../pagination';
import type {
  CreateTenant,
  ErasureView,
  TenantListQuery,
  TenantView,
  TopicRetention,
  UpdateTenant,
} from './tenant.schemas';

const toTenantView = ({
  createdAt,
  updatedAt,
  deletedAt: _deletedAt,
  ...rest
}: TenantRecord): TenantView => ({
  ...rest,
  createdAt: createdAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

/**
 * Tenants: `confinedTo` is the caller's own tenant (a tenant key sees only itself), undefined for
 * the operator. `undefined` / `false` = no such tenant (or not the caller's).
 */
export class TenantService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly endpoints: Pick<EndpointsRepository, 'tenantEndpointIds'>,
    private readonly status: Pick<EndpointStatusService, 'disable'>,
    /** What each Kafka topic keeps (an erasure's answer: Kafka is not erased, it ages out). */
    private readonly kafkaRetention: readonly TopicRetention[] = [],
    /** RETENTION_DAYS: a tenant's own retention must be shorter (ADR 0028). */
    private readonly retentionDays = 30,
  ) {}

  /**
   * Undefined when the id is taken (by a tenant, or a deleted one: ids are not reused); refused (a
   * 422) when `retentionDays` is not shorter than RETENTION_DAYS.
   */
  async create(input: CreateTenant): Promise<TenantView | CatalogRejected | undefined> {
    const refused = this.refuseRetention(input.retentionDays);
    if (refused) return refused;
    const row = await this.tenants.insert(input.id, {
      name: input.name,
      metadata: input.metadata,
      retentionDays: input.retentionDays ?? null,
      branding: input.branding ?? null,
    });
    return row && toTenantView(row);
  }

  /** A tenant's retention may only be shorter than the gateway's: its rows go sooner, never later. */
  private refuseRetention(days: number | null | undefined): CatalogRejected | undefined {
    if (days === undefined || days === null || days < this.retentionDays) return undefined;
    return {
      unprocessable: [
        {
          path: 'retentionDays',
          message: `must be fewer than RETENTION_DAYS (${this.retentionDays}): a tenant's retention is only ever shorter`,
        },
      ],
    };
  }

  async list(query: TenantListQuery, confinedTo: string | undefined): Promise<Page<TenantView>> {
    const rows = await this.tenants.list({ id: confinedTo, after: query.cursor, limit: query.limit + 1 });
    return toIdPage(rows, query.limit, toTenantView);
  }

  async get(id: string, confinedTo: string | undefined): Promise<TenantView | undefined> {
    if (confinedTo !== undefined && confinedTo !== id) return undefined;
    const row = await this.tenants.find(id);
    return row && toTenantView(row);
  }

  async update(
    id: string,
    patch: UpdateTenant,
    confinedTo: string | undefined,
  ): Promise<TenantView | CatalogRejected | undefined> {
    if (confinedTo !== undefined && confinedTo !== id) return undefined;
    const refused = this.refuseRetention(patch.retentionDays);
    if (refused) return refused;
    const row = await this.tenants.update(id, patch);
    return row && toTenantView(row);
  }

  /**
   * Disables each of the tenant's endpoints (which ends their pending retries), then marks the
   * tenant deleted and revokes its keys. In that order, a DELETE retried after a failure finishes
   * the job. Its events, deliveries and attempts stay, readable to the operator.
   */
  async remove(id: string, confinedTo: string | undefined): Promise<boolean> {
    if (confinedTo !== undefined && confinedTo !== id) return false;
    if (!(await this.tenants.find(id))) return false;
    for (const endpointId of await this.endpoints.tenantEndpointIds(id)) {
      await this.status.disable(endpointId, 'tenant deleted');
    }
    return await this.tenants.markDeleted(id);
  }

  /**
   * Erasure (ADR 0028), operator only: first as `remove` (each endpoint disabled, which ends its
   * retries), so no retry fires into rows being erased; then every row of the tenant and its
   * resources goes in one transaction. Repeatable: a second erasure finds nothing more (events
   * still in Kafka and routed after the first leave rows a second one removes). Undefined when
   * the tenant never existed; an earlier deleted tenant is erased too.
   */
  async erase(id: string): Promise<ErasureView | undefined> {
    for (const endpointId of await this.endpoints.tenantEndpointIds(id)) {
      await this.status.disable(endpointId, 'tenant erased');
    }
    const erased = await this.tenants.erase(id);
    return erased && { tenant: id, erased, kafka: [...this.kafkaRetention] };
  }
}

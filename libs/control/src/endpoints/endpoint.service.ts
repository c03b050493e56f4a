import { destinationView } from '@gateway/delivery';
import type { EndpointRecord, EndpointsRepository } from '@gateway/persistence';
import { generateSecret } from '@gateway/signing';
import { newEndpointId } from '../ids';
import { maskHeaders } from './custom-headers';
import { asksOtherTenant, toIdPage, type Page } from '../pagination';
import type { CatalogRejected } from '../event-types/event-type.service';
import type { EndpointStatusService } from './endpoint-status.service';
import type {
  CreateEndpoint,
  CreatedEndpointView,
  EndpointListQuery,
  EndpointView,
  UpdateEndpoint,
} from './endpoint.schemas';

/** The endpoint as the API answers it: a destination without its write-only secrets, header values masked. */
function toEndpointView({
  failingSince: _failingSince,
  createdAt,
  updatedAt,
  destination,
  headers,
  ...rest
}: EndpointRecord): EndpointView {
  return {
    ...rest,
    headers: maskHeaders(headers),
    destination: destination === null ? null : destinationView.parse(destination),
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

/**
 * Creating, reading, changing and deleting endpoints; `undefined` / `false` = no such endpoint.
 * `confinedTo` is the caller's tenant (undefined for the operator): a tenant's caller creates
 * endpoints of its tenant and finds no other (another tenant's id reads as missing).
 */
export class EndpointService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly status: EndpointStatusService,
    /** EVENT_TYPES_STRICT: the patterns naming no type of the catalog; absent, any pattern goes. */
    private readonly unknownTypes?: (patterns: readonly string[]) => Promise<string[]>,
  ) {}

  /** Creates the endpoint with its first secret (the given one, or a new one). */
  async create(input: CreateEndpoint, confinedTo?: string): Promise<CreatedEndpointView | CatalogRejected> {
    const rejected = await this.refuseUnknownTypes(input.eventTypes);
    if (rejected) return rejected;
    const secret = input.secret ?? generateSecret();
    const row = await this.endpoints.insert(
      newEndpointId(),
      { ...input, tenant: confinedTo ?? input.tenant },
      secret,
    );
    return { ...toEndpointView(row), secret };
  }

  async list(query: EndpointListQuery, confinedTo?: string): Promise<Page<EndpointView>> {
    if (asksOtherTenant(query.tenant, confinedTo)) {
      return { data: [], nextCursor: null };
    }
    const rows = await this.endpoints.list({
      tenant: confinedTo ?? query.tenant,
      enabled: query.enabled,
      search: query.q,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toIdPage(rows, query.limit, toEndpointView);
  }

  async get(id: string, confinedTo?: string): Promise<EndpointView | undefined> {
    const row = await this.endpoints.find(id, confinedTo);
    return row && toEndpointView(row);
  }

  /** A change that leaves the endpoint disabled ends its pending retries. */
  async update(
    id: string,
    patch: UpdateEndpoint,
    confinedTo?: string,
  ): Promise<EndpointView | CatalogRejected | undefined> {
    const rejected = await this.refuseUnknownTypes(patch.eventTypes);
    if (rejected) return rejected;
    // A tenant's caller cannot move its endpoint to another tenant (or to none: every tenant's events).
    const row = await this.endpoints.update(
      id,
      confinedTo === undefined ? patch : { ...patch, tenant: confinedTo },
      confinedTo,
    );
    if (row && !row.enabled) await this.status.endRetries(id);
    return row && toEndpointView(row);
  }

  /** Deleting the endpoint ends its pending retries. */
  async remove(id: string, confinedTo?: string): Promise<boolean> {
    if (!(await this.endpoints.delete(id, confinedTo))) return false;
    await this.status.endRetries(id);
    return true;
  }

  private async refuseUnknownTypes(
    patterns: readonly string[] | undefined,
  ): Promise<CatalogRejected | undefined> {
    const unknown = patterns && this.unknownTypes ? await this.unknownTypes(patterns) : [];
    if (unknown.length === 0) return undefined;
    return {
      unprocessable: [
        {
          path: 'eventTypes',
          message: `not in the event-type catalog (EVENT_TYPES_STRICT is on): ${unknown.join(', ')}`,
        },
      ],
    };
  }
}

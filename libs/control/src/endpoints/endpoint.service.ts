import { generateSecret } from '@gateway/signing';
import { newEndpointId } from '../ids';
import { toPage, type Page } from '../pagination';
import type {
  CreateEndpoint,
  CreatedEndpointView,
  EndpointListQuery,
  EndpointView,
  UpdateEndpoint,
} from './endpoint.schemas';
import type { EndpointRow, EndpointStore } from './endpoint.store';

function toEndpointView({ sortKey: _sortKey, createdAt, updatedAt, ...rest }: EndpointRow): EndpointView {
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}

/** Creating, reading, changing and deleting endpoints; `undefined` / `false` = no such endpoint. */
export class EndpointService {
  constructor(private readonly store: EndpointStore) {}

  /** Creates the endpoint with its first secret (the given one, or a new one). */
  async create(input: CreateEndpoint): Promise<CreatedEndpointView> {
    const secret = input.secret ?? generateSecret();
    const row = await this.store.insert(newEndpointId(), input, secret);
    return { ...toEndpointView(row), secret };
  }

  async list(query: EndpointListQuery): Promise<Page<EndpointView>> {
    const rows = await this.store.list({
      tenant: query.tenant,
      enabled: query.enabled,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (row) => [row.sortKey, row.id], toEndpointView);
  }

  async get(id: string): Promise<EndpointView | undefined> {
    const row = await this.store.find(id);
    return row && toEndpointView(row);
  }

  async update(id: string, patch: UpdateEndpoint): Promise<EndpointView | undefined> {
    const row = await this.store.update(id, patch);
    return row && toEndpointView(row);
  }

  remove(id: string): Promise<boolean> {
    return this.store.delete(id);
  }
}

import { prefixMatches, reduceTypePatterns } from './event-type-pattern';
import { compileFilter, InvalidFilterError, type PayloadFilter } from './payload-filter';

/** What the matcher needs of an endpoint's subscription. */
export interface SubscribedEndpoint {
  id: string;
  eventTypes: readonly string[];
  filter: PayloadFilter | null;
  tenant: string | null;
  enabled: boolean;
}

/** What the matcher needs of an event. */
export interface RoutableEvent {
  type: string;
  tenant: string | null | undefined;
  data: unknown;
}

interface Entry {
  id: string;
  /** null when the endpoint has no filter, so the common case costs no call. */
  accepts: ((data: unknown) => boolean) | null;
}

/** Endpoints of one tenant scope, indexed by how their type patterns match. */
interface TypeIndex {
  all: Entry[];
  exact: Map<string, Entry[]>;
  /** Keyed by the prefix with its dot (`invoice.`), looked up once per dot of the event type. */
  prefix: Map<string, Entry[]>;
}

const emptyIndex = (): TypeIndex => ({ all: [], exact: new Map(), prefix: new Map() });

function push(map: Map<string, Entry[]>, key: string, entry: Entry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function collect(entries: Entry[] | undefined, data: unknown, into: string[]): void {
  if (!entries) return;
  for (const entry of entries) if (entry.accepts === null || entry.accepts(data)) into.push(entry.id);
}

function lookup(index: TypeIndex, type: string, data: unknown, into: string[]): void {
  collect(index.all, data, into);
  collect(index.exact.get(type), data, into);
  if (index.prefix.size === 0) return;
  for (let dot = type.indexOf('.'); dot !== -1; dot = type.indexOf('.', dot + 1)) {
    const prefix = type.slice(0, dot + 1);
    // The same rule as compileTypePatterns: the wildcard stands for at least one more character.
    if (prefixMatches(prefix, type)) collect(index.prefix.get(prefix), data, into);
  }
}

/**
 * Builds, once per endpoint set, a function from an event to the ids of the endpoints it goes to.
 * Disabled endpoints never match; an endpoint with a tenant receives only that tenant's events, one
 * without a tenant receives every event; its type patterns and its filter must both match.
 *
 * Per event the cost is a few map lookups (exact type, one per dot of the type, the event's tenant)
 * plus the filters of the candidates found, not a scan of every endpoint. Patterns are reduced so
 * that at most one of an endpoint's patterns can match a type: each id appears once, unsorted.
 * A filter that bypassed validation throws here, naming the endpoint, rather than routing wrongly.
 */
export function buildMatcher(endpoints: readonly SubscribedEndpoint[]): (event: RoutableEvent) => string[] {
  const untenanted = emptyIndex();
  const byTenant = new Map<string, TypeIndex>();
  for (const endpoint of endpoints) {
    if (!endpoint.enabled) continue;
    let index = untenanted;
    if (endpoint.tenant !== null) {
      index = byTenant.get(endpoint.tenant) ?? emptyIndex();
      byTenant.set(endpoint.tenant, index);
    }
    const entry: Entry = { id: endpoint.id, accepts: compileEndpointFilter(endpoint) };
    const patterns = reduceTypePatterns(endpoint.eventTypes);
    if (patterns.all) index.all.push(entry);
    for (const type of patterns.exact) push(index.exact, type, entry);
    for (const prefix of patterns.prefixes) push(index.prefix, prefix, entry);
  }
  return (event) => {
    const ids: string[] = [];
    lookup(untenanted, event.type, event.data, ids);
    const scoped = event.tenant == null ? undefined : byTenant.get(event.tenant);
    if (scoped) lookup(scoped, event.type, event.data, ids);
    return ids;
  };
}

function compileEndpointFilter(endpoint: SubscribedEndpoint): ((data: unknown) => boolean) | null {
  if (endpoint.filter === null) return null;
  try {
    return compileFilter(endpoint.filter);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidFilterError(`endpoint ${endpoint.id}: ${reason}`, { cause: error });
  }
}

import type {
  DeliveriesRepository,
  EndpointsRepository,
  SourcesRepository,
  SourceStatsRepository,
  StatsWindow,
} from '@gateway/persistence';
import type { EndpointStatsView, SourceStatsView, StatsQuery } from './console.schemas';
import { everyBucket, statsWindow } from './stats-window';

/** Why a stats query was refused (400). */
export interface StatsRefused {
  refused: string;
}

export const isStatsRefused = (value: object): value is StatsRefused => 'refused' in value;

/**
 * An endpoint's delivery stats and a source's inbound stats over time, for the console's charts.
 * `undefined` = no such endpoint or source (or another tenant's).
 */
export class StatsService {
  constructor(
    private readonly tables: {
      endpoints: Pick<EndpointsRepository, 'exists'>;
      deliveries: Pick<DeliveriesRepository, 'endpointStats'>;
      sources: Pick<SourcesRepository, 'find'>;
      sourceStats: Pick<SourceStatsRepository, 'buckets'>;
    },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async endpoint(
    id: string,
    query: StatsQuery,
    confinedTo?: string,
  ): Promise<EndpointStatsView | StatsRefused | undefined> {
    return this.answer(
      query,
      () => this.tables.endpoints.exists(id, confinedTo),
      (window) => this.tables.deliveries.endpointStats(id, window),
      ({ start, p95LatencyMs, ...counts }) => ({
        start: start.toISOString(),
        ...counts,
        p95LatencyMs: p95LatencyMs === null ? null : Number(p95LatencyMs),
      }),
      (start) => ({ start, deliveries: 0, succeeded: 0, failed: 0, p95LatencyMs: null }),
    );
  }

  async source(
    id: string,
    query: StatsQuery,
    confinedTo?: string,
  ): Promise<SourceStatsView | StatsRefused | undefined> {
    return this.answer(
      query,
      async () => (await this.tables.sources.find(id, confinedTo)) !== undefined,
      (window) => this.tables.sourceStats.buckets(id, window),
      ({ start, ...counts }) => ({ start: start.toISOString(), ...counts }),
      (start) => ({ start, verified: 0, duplicates: 0, refused: 0, refusedByReason: {} }),
    );
  }

  /** The window, checked; the owner, checked; then every bucket of the window. */
  private async answer<B extends { start: Date }, V>(
    query: StatsQuery,
    exists: () => Promise<boolean>,
    found: (window: StatsWindow) => Promise<B[]>,
    view: (bucket: B) => V,
    empty: (start: string) => V,
  ): Promise<{ since: string; bucketSeconds: number; buckets: V[] } | StatsRefused | undefined> {
    const window = statsWindow(query, this.now());
    if (typeof window === 'string') return { refused: window };
    if (!(await exists())) return undefined;
    return {
      since: window.since.toISOString(),
      bucketSeconds: window.bucketSeconds,
      buckets: everyBucket(window, await found(window), view, empty),
    };
  }
}

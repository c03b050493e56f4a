import type {
  CursorPosition,
  DeadLettersRepository,
  DeliveriesRepository,
  EndpointsRepository,
  EventsRepository,
  ReplayRow,
  RetriesRepository,
} from '@gateway/persistence';
import { buildMatcher, deliveryIdFor, type PayloadFilter } from '@gateway/routing';
import type { DeliveryTask } from '@gateway/schemas';
import { toPage, type Page } from '../pagination';
import type {
  DeadLetterListQuery,
  DeadLetterView,
  RecoverBody,
  RedriveBody,
  RetryListQuery,
  RetryView,
} from './replay.schemas';

/** Deliveries a recover reads and sends at a time. */
const RECOVER_PAGE = 1000;

/** Sends delivery tasks to the deliveries topic; settles after Kafka's ack. */
export type EmitDeliveries = (tasks: DeliveryTask[]) => Promise<void>;

/** The delivery task that sends `row` as its next attempt. */
export function toTask(row: ReplayRow): DeliveryTask {
  return {
    deliveryId: row.deliveryId,
    endpointId: row.endpointId,
    attempt: row.nextAttempt,
    event: {
      id: row.eventId,
      type: row.type,
      data: row.data as DeliveryTask['event']['data'],
      tenant: row.tenant,
      occurredAt: row.occurredAt.toISOString(),
    },
    orderingKey: null,
    publishedAt: Date.now(),
    acceptedAt: row.receivedAt.getTime(),
  };
}

/** The tables replay, recover and redrive read and write. */
export interface ReplayTables {
  endpoints: EndpointsRepository;
  events: EventsRepository;
  deliveries: DeliveriesRepository;
  retries: RetriesRepository;
  deadLetters: DeadLettersRepository;
}

/**
 * Replay, recover and redrive: each sends deliveries again as their next attempt, so the receiver
 * sees the same `webhook-id`. `undefined` = the thing named does not exist.
 */
export class ReplayService {
  constructor(
    private readonly tables: ReplayTables,
    private readonly emit: EmitDeliveries,
  ) {}

  /**
   * `confinedTo` (here and below) is the caller's tenant, undefined for the operator: another
   * tenant's delivery, endpoint or event reads as missing. An endpoint of a tenant only ever has
   * that tenant's deliveries (the routing rule), so owning the endpoint is owning its deliveries;
   * deliveries to operator endpoints stay the operator's.
   */
  async retryDelivery(
    id: string,
    confinedTo?: string,
  ): Promise<{ deliveryId: string; attempt: number } | undefined> {
    const row = await this.tables.deliveries.forReplay(id);
    if (!row || !(await this.tables.endpoints.exists(row.endpointId, confinedTo))) return undefined;
    await this.emit([toTask(row)]);
    return { deliveryId: row.deliveryId, attempt: row.nextAttempt };
  }

  /** Page by page (RECOVER_PAGE deliveries, each page sent before the next is read): bounded memory for any window. */
  async recover(
    endpointId: string,
    body: RecoverBody,
    confinedTo?: string,
  ): Promise<{ count: number } | undefined> {
    if (!(await this.tables.endpoints.exists(endpointId, confinedTo))) return undefined;
    let count = 0;
    let position: CursorPosition | undefined;
    do {
      const page = await this.tables.deliveries.failedForReplay(endpointId, body, position, RECOVER_PAGE);
      await this.emitAll(page.rows.map(toTask));
      count += page.rows.length;
      position = page.rows.length === RECOVER_PAGE ? page.position : undefined;
    } while (position !== undefined);
    return { count };
  }

  /** Dead letters stay unmarked unless Kafka acknowledged their tasks (the repository's transaction per chunk). */
  async redrive(body: RedriveBody, confinedTo?: string): Promise<{ count: number }> {
    const filter = { ...body, tenant: confinedTo };
    return { count: await this.tables.deadLetters.redrive(filter, (rows) => this.emitAll(rows.map(toTask))) };
  }

  /** Sends the event to its current subscribers: existing deliveries as their next attempt, new subscribers as attempt 1. */
  async replayEvent(eventId: string, confinedTo?: string): Promise<{ count: number } | undefined> {
    const found = await this.tables.events.find(eventId, confinedTo);
    if (!found) return undefined;
    const event = {
      eventId,
      type: found.type,
      tenant: found.tenant,
      data: found.data,
      occurredAt: found.occurredAt,
      receivedAt: found.receivedAt,
    };
    const match = buildMatcher(
      (await this.tables.endpoints.subscriptions()).map((row) => ({
        ...row,
        filter: row.filter as PayloadFilter | null,
      })),
    );
    const endpointIds = match({ type: event.type, tenant: event.tenant, data: event.data });
    const existing = new Map(
      (await this.tables.deliveries.eventForReplay(eventId)).map((row) => [row.endpointId, row]),
    );
    const rows: ReplayRow[] = endpointIds.map(
      (endpointId) =>
        existing.get(endpointId) ?? {
          ...event,
          deliveryId: deliveryIdFor(eventId, endpointId),
          endpointId,
          nextAttempt: 1,
        },
    );
    await this.tables.deliveries.ensureRouted(
      rows.map((row) => ({
        id: row.deliveryId,
        eventId,
        endpointId: row.endpointId,
        createdAt: event.receivedAt,
      })),
    );
    await this.emitAll(rows.map(toTask));
    return { count: rows.length };
  }

  async listRetries(
    endpointId: string,
    query: RetryListQuery,
    confinedTo?: string,
  ): Promise<Page<RetryView> | undefined> {
    if (!(await this.tables.endpoints.exists(endpointId, confinedTo))) return undefined;
    const rows = await this.tables.retries.pendingForEndpoint(endpointId, query.cursor, query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (row) => [row.sortKey, row.deliveryId],
      ({ sortKey: _sortKey, dueAt, ...rest }) => ({ ...rest, dueAt: dueAt.toISOString() }),
    );
  }

  async listDeadLetters(query: DeadLetterListQuery, confinedTo?: string): Promise<Page<DeadLetterView>> {
    const rows = await this.tables.deadLetters.list({
      ...query,
      tenant: confinedTo,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toPage(
      rows,
      query.limit,
      (row) => [row.sortKey, row.deliveryId],
      ({ sortKey: _sortKey, attempt, deadAt, redrivenAt, ...rest }) => ({
        ...rest,
        attempts: attempt,
        deadAt: deadAt.toISOString(),
        redrivenAt: redrivenAt?.toISOString() ?? null,
      }),
    );
  }

  private async emitAll(tasks: DeliveryTask[]): Promise<void> {
    for (let start = 0; start < tasks.length; start += 500) await this.emit(tasks.slice(start, start + 500));
  }
}

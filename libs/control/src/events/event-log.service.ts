import { toPage, type Page } from '../pagination';
import type { AttemptRow, DeliveryRow, EventLogStore, EventRow } from './event-log.store';
import type {
  AttemptListQuery,
  AttemptView,
  DeliveryListQuery,
  DeliveryView,
  EventListQuery,
  EventView,
} from './event.schemas';

const toEventView = ({ sortKey: _sortKey, occurredAt, receivedAt, ...rest }: EventRow): EventView => ({
  ...rest,
  occurredAt: occurredAt.toISOString(),
  receivedAt: receivedAt.toISOString(),
});

const toDeliveryView = ({
  sortKey: _sortKey,
  createdAt,
  updatedAt,
  nextAttemptAt,
  ...rest
}: DeliveryRow): DeliveryView => ({
  ...rest,
  nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
  createdAt: createdAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

const toAttemptView = ({ startedAt, ...rest }: AttemptRow): AttemptView => ({
  ...rest,
  startedAt: startedAt.toISOString(),
});

/** The event log: what was published, where it went, and every attempt; `undefined` = no such id. */
export class EventLogService {
  constructor(private readonly store: EventLogStore) {}

  async listEvents(query: EventListQuery): Promise<Page<EventView>> {
    const rows = await this.store.listEvents({
      type: query.type,
      tenant: query.tenant,
      since: query.since,
      until: query.until,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (row) => [row.sortKey, row.id], toEventView);
  }

  async getEvent(id: string): Promise<EventView | undefined> {
    const row = await this.store.findEvent(id);
    return row && toEventView(row);
  }

  async listDeliveries(eventId: string, query: DeliveryListQuery): Promise<Page<DeliveryView> | undefined> {
    if (!(await this.store.eventExists(eventId))) return undefined;
    const rows = await this.store.listDeliveries(eventId, query.cursor, query.limit + 1);
    return toPage(rows, query.limit, (row) => [row.sortKey, row.id], toDeliveryView);
  }

  async listAttempts(deliveryId: string, query: AttemptListQuery): Promise<Page<AttemptView> | undefined> {
    if (!(await this.store.deliveryExists(deliveryId))) return undefined;
    const after = query.cursor ? Number(query.cursor[0]) : 0;
    const rows = await this.store.listAttempts(deliveryId, after, query.limit + 1);
    return toPage(rows, query.limit, (row) => [String(row.attempt), deliveryId], toAttemptView);
  }
}

import type {
  AttemptRecord,
  AttemptsRepository,
  DeliveriesRepository,
  DeliveryRecord,
  EventRecord,
  EventsRepository,
} from '@gateway/persistence';
import { toPage, type Page } from '../pagination';
import type {
  AttemptListQuery,
  AttemptView,
  DeliveryListQuery,
  DeliveryView,
  EventListQuery,
  EventView,
} from './event.schemas';

const toEventView = ({ occurredAt, receivedAt, ...rest }: EventRecord): EventView => ({
  ...rest,
  occurredAt: occurredAt.toISOString(),
  receivedAt: receivedAt.toISOString(),
});

const toDeliveryView = ({
  createdAt,
  updatedAt,
  nextAttemptAt,
  ...rest
}: Omit<DeliveryRecord, 'routedAt' | 'claimedBy'>): DeliveryView => ({
  ...rest,
  nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
  createdAt: createdAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

const toAttemptView = ({ startedAt, ...rest }: Omit<AttemptRecord, 'deliveryId'>): AttemptView => ({
  ...rest,
  startedAt: startedAt.toISOString(),
});

/** The event log: what was published, where it went, and every attempt; `undefined` = no such id. */
export class EventLogService {
  constructor(
    private readonly events: EventsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly attempts: AttemptsRepository,
  ) {}

  async listEvents(query: EventListQuery): Promise<Page<EventView>> {
    const rows = await this.events.list({
      type: query.type,
      tenant: query.tenant,
      since: query.since,
      until: query.until,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toPage(
      rows,
      query.limit,
      (row) => [row.sortKey, row.id],
      ({ sortKey: _sortKey, ...row }) => toEventView(row),
    );
  }

  async getEvent(id: string): Promise<EventView | undefined> {
    const row = await this.events.find(id);
    return row && toEventView(row);
  }

  async listDeliveries(eventId: string, query: DeliveryListQuery): Promise<Page<DeliveryView> | undefined> {
    if (!(await this.events.exists(eventId))) return undefined;
    const rows = await this.deliveries.listForEvent(eventId, query.cursor, query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (row) => [row.sortKey, row.id],
      ({ sortKey: _sortKey, ...row }) => toDeliveryView(row),
    );
  }

  async listAttempts(deliveryId: string, query: AttemptListQuery): Promise<Page<AttemptView> | undefined> {
    if (!(await this.deliveries.exists(deliveryId))) return undefined;
    const after = query.cursor ? Number(query.cursor[0]) : 0;
    const rows = await this.attempts.list(deliveryId, after, query.limit + 1);
    return toPage(rows, query.limit, (row) => [String(row.attempt), deliveryId], toAttemptView);
  }
}

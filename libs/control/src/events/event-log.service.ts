import type {
  AttemptRecord,
  AttemptsRepository,
  DeliveriesRepository,
  DeliveryRecord,
  EventRecord,
  EventsRepository,
} from '@gateway/persistence';
import { asksOtherTenant, toIdPage, toPage, type Page } from '../pagination';
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

/**
 * The event log: what was published, where it went, and every attempt; `undefined` = no such id.
 * `confinedTo` is the caller's tenant (undefined for the operator): another tenant's id reads as missing.
 */
export class EventLogService {
  constructor(
    private readonly events: EventsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly attempts: AttemptsRepository,
  ) {}

  async listEvents(query: EventListQuery, confinedTo?: string): Promise<Page<EventView>> {
    if (asksOtherTenant(query.tenant, confinedTo)) {
      return { data: [], nextCursor: null };
    }
    const rows = await this.events.list({
      type: query.type,
      tenant: confinedTo ?? query.tenant,
      since: query.since,
      until: query.until,
      status: query.status,
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toIdPage(rows, query.limit, toEventView);
  }

  async getEvent(id: string, confinedTo?: string): Promise<EventView | undefined> {
    const row = await this.events.find(id, confinedTo);
    return row && toEventView(row);
  }

  async listDeliveries(
    eventId: string,
    query: DeliveryListQuery,
    confinedTo?: string,
  ): Promise<Page<DeliveryView> | undefined> {
    if (!(await this.events.exists(eventId, confinedTo))) return undefined;
    const rows = await this.deliveries.listForEvent(eventId, query.cursor, query.limit + 1, confinedTo);
    return toIdPage(rows, query.limit, toDeliveryView);
  }

  async listAttempts(
    deliveryId: string,
    query: AttemptListQuery,
    confinedTo?: string,
  ): Promise<Page<AttemptView> | undefined> {
    if (!(await this.deliveries.exists(deliveryId, confinedTo))) return undefined;
    const after = query.cursor ? Number(query.cursor[0]) : 0;
    const rows = await this.attempts.list(deliveryId, after, query.limit + 1);
    return toPage(rows, query.limit, (row) => [String(row.attempt), deliveryId], toAttemptView);
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  deliveryListQuery,
  eventListQuery,
  EventLogService,
  type DeliveryView,
  type EventView,
  type Page,
} from '@gateway/control';
import { TenantParam } from './caller';
import { found } from './problems';
import { parseWith } from '@gateway/platform';

@Controller('v1/events')
export class EventsController {
  /** `POST /v1/events` is served ahead of Fastify (`publish.route.ts`, ADR 0033). */
  constructor(private readonly log: EventLogService) {}

  @Get()
  list(@Query() query: unknown, @TenantParam() tenant?: string): Promise<Page<EventView>> {
    return this.log.listEvents(parseWith(eventListQuery, query), tenant);
  }

  @Get(':id')
  async get(@Param('id') id: string, @TenantParam() tenant?: string): Promise<EventView> {
    return found(await this.log.getEvent(id, tenant), 'event', id);
  }

  @Get(':id/deliveries')
  async deliveries(
    @Param('id') id: string,
    @Query() query: unknown,
    @TenantParam() tenant?: string,
  ): Promise<Page<DeliveryView>> {
    return found(await this.log.listDeliveries(id, parseWith(deliveryListQuery, query), tenant), 'event', id);
  }
}

import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  deliveryListQuery,
  eventListQuery,
  EventLogService,
  EventPublisher,
  publishEventBody,
  type DeliveryView,
  type EventView,
  type Page,
  type PublishedEventView,
} from '@gateway/control';
import { TenantParam } from './caller';
import { found, KafkaUnavailableProblem, PayloadTooLargeError } from './problems';
import { UnprocessableError } from '@gateway/platform';
import { KAFKA_RETRY_AFTER_SECONDS, parseWith } from '@gateway/platform';

@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly log: EventLogService,
  ) {}

  /** 202 only once Kafka acknowledged the write; the router records and routes it from there. */
  @Post()
  @HttpCode(202)
  async publish(
    @Body() body: unknown,
    @TenantParam() tenant?: string,
    @Headers('traceparent') traceparent?: string,
  ): Promise<PublishedEventView> {
    const result = await this.publisher.publish(parseWith(publishEventBody, body), traceparent, tenant);
    switch (result.outcome) {
      case 'published':
        return { id: result.id };
      case 'too-large':
        throw new PayloadTooLargeError(
          `event ${result.id} is ${result.bytes} bytes as JSON; the limit is about 1 MB`,
        );
      case 'schema-violation':
        throw new UnprocessableError(result.errors, 'schema_violation');
      case 'kafka-unavailable':
        throw new KafkaUnavailableProblem(result.id, KAFKA_RETRY_AFTER_SECONDS);
    }
  }

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

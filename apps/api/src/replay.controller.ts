import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  deadLetterListQuery,
  recoverBody,
  redriveBody,
  ReplayService,
  retryListQuery,
  type DeadLetterView,
  type Page,
  type RetryView,
} from '@gateway/control';
import { TenantParam } from './caller';
import { found } from './problems';
import { parseWith } from '@gateway/platform';

/** Retries, dead letters, and sending deliveries again (replay, recover, redrive): all answer 202 after the Kafka ack. */
@Controller('v1')
export class ReplayController {
  constructor(private readonly replay: ReplayService) {}

  @Get('endpoints/:id/retries')
  async retries(
    @Param('id') id: string,
    @Query() query: unknown,
    @TenantParam() tenant?: string,
  ): Promise<Page<RetryView>> {
    return found(await this.replay.listRetries(id, parseWith(retryListQuery, query), tenant), 'endpoint', id);
  }

  @Get('dead-letters')
  deadLetters(@Query() query: unknown, @TenantParam() tenant?: string): Promise<Page<DeadLetterView>> {
    return this.replay.listDeadLetters(parseWith(deadLetterListQuery, query), tenant);
  }

  @Post('dead-letters/redrive')
  @HttpCode(202)
  redrive(@Body() body: unknown, @TenantParam() tenant?: string): Promise<{ count: number }> {
    return this.replay.redrive(parseWith(redriveBody, body ?? {}), tenant);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(202)
  async retry(
    @Param('id') id: string,
    @TenantParam() tenant?: string,
  ): Promise<{ deliveryId: string; attempt: number }> {
    return found(await this.replay.retryDelivery(id, tenant), 'delivery', id);
  }

  @Post('endpoints/:id/recover')
  @HttpCode(202)
  async recover(
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: unknown,
    @TenantParam() tenant?: string,
  ): Promise<{ count: number }> {
    // `since` may come in the body (the contract) or as ?since= (the example).
    const input = { ...(query as object), ...(body as object | undefined) };
    return found(await this.replay.recover(id, parseWith(recoverBody, input), tenant), 'endpoint', id);
  }

  @Post('events/:id/replay')
  @HttpCode(202)
  async replayEvent(@Param('id') id: string, @TenantParam() tenant?: string): Promise<{ count: number }> {
    return found(await this.replay.replayEvent(id, tenant), 'event', id);
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import { attemptListQuery, EventLogService, type AttemptView, type Page } from '@gateway/control';
import { TenantParam } from './caller';
import { found } from './problems';
import { parseWith } from '@gateway/platform';

@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly log: EventLogService) {}

  @Get(':id/attempts')
  async attempts(
    @Param('id') id: string,
    @Query() query: unknown,
    @TenantParam() tenant?: string,
  ): Promise<Page<AttemptView>> {
    return found(await this.log.listAttempts(id, parseWith(attemptListQuery, query), tenant), 'delivery', id);
  }
}

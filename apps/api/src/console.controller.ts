import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  HealthOverviewService,
  isRefused,
  isStatsRefused,
  MeService,
  portalSessionBody,
  PortalSessionService,
  statsQuery,
  StatsService,
  testEventBody,
  TestEventService,
  type Caller,
  type EndpointStatsView,
  type HealthOverviewView,
  type MeView,
  type PortalSessionView,
  type SourceStatsView,
  type StatsRefused,
  type TestEventView,
} from '@gateway/control';
import { parseWith, ValidationError } from '@gateway/platform';
import { CallerParam, TenantParam } from './caller';
import { ForbiddenError, found } from './problems';

/** A stats window the service refused (too many buckets) is a 400 naming the query. */
function withinLimits<T extends object>(value: T | StatsRefused): T {
  if (isStatsRefused(value)) throw new ValidationError([{ path: 'bucketSeconds', message: value.refused }]);
  return value;
}

/** The routes the web console and the tenant portal need beyond the resources' own (ADR 0030). */
@Controller('v1')
export class ConsoleController {
  constructor(
    private readonly me: MeService,
    private readonly portal: PortalSessionService,
    private readonly testEvents: TestEventService,
    private readonly stats: StatsService,
    private readonly health: HealthOverviewService,
  ) {}

  @Get('me')
  whoAmI(@CallerParam() caller: Caller): Promise<MeView> {
    return this.me.me(caller);
  }

  @Post('tenants/:id/portal-sessions')
  @HttpCode(201)
  async portalSession(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @CallerParam() caller: Caller,
  ): Promise<PortalSessionView> {
    const input = parseWith(portalSessionBody, body ?? {});
    const origin = `${request.protocol}://${request.host}`;
    const session = found(await this.portal.open(id, input, caller, origin), 'tenant', id);
    if (isRefused(session)) throw new ForbiddenError(session.detail);
    return session;
  }

  @Post('endpoints/:id/test-event')
  @HttpCode(202)
  async testEvent(
    @Param('id') id: string,
    @Body() body: unknown,
    @TenantParam() tenant?: string,
  ): Promise<TestEventView> {
    return found(
      await this.testEvents.deliver(id, parseWith(testEventBody, body ?? {}), tenant),
      'endpoint',
      id,
    );
  }

  @Get('endpoints/:id/stats')
  async endpointStats(
    @Param('id') id: string,
    @Query() query: unknown,
    @TenantParam() tenant?: string,
  ): Promise<EndpointStatsView> {
    return withinLimits(
      found(await this.stats.endpoint(id, parseWith(statsQuery, query), tenant), 'endpoint', id),
    );
  }

  @Get('sources/:id/stats')
  async sourceStats(
    @Param('id') id: string,
    @Query() query: unknown,
    @TenantParam() tenant?: string,
  ): Promise<SourceStatsView> {
    return withinLimits(
      found(await this.stats.source(id, parseWith(statsQuery, query), tenant), 'source', id),
    );
  }

  @Get('health/overview')
  overview(): Promise<HealthOverviewView> {
    return this.health.overview();
  }
}

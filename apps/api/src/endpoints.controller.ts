import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import {
  createEndpointBody,
  endpointListQuery,
  EndpointService,
  gatewayTopicIssue,
  updateEndpointBody,
  type CreatedEndpointView,
  type EndpointView,
  type Page,
} from '@gateway/control';
import { NotFoundError, parseWith, TOPICS, ValidationError } from '@gateway/platform';
import type { TopicNames } from '@gateway/schemas';
import { TenantParam } from './caller';
import { found, processable } from './problems';

@Controller('v1/endpoints')
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointService,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @TenantParam() tenant?: string): Promise<CreatedEndpointView> {
    return processable(
      await this.endpoints.create(this.refuseGatewayTopic(parseWith(createEndpointBody, body)), tenant),
    );
  }

  @Get()
  list(@Query() query: unknown, @TenantParam() tenant?: string): Promise<Page<EndpointView>> {
    return this.endpoints.list(parseWith(endpointListQuery, query), tenant);
  }

  @Get(':id')
  async get(@Param('id') id: string, @TenantParam() tenant?: string): Promise<EndpointView> {
    return found(await this.endpoints.get(id, tenant), 'endpoint', id);
  }

  @Patch(':id')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @TenantParam() tenant?: string,
  ): Promise<EndpointView> {
    return processable(
      found(
        await this.endpoints.update(id, this.refuseGatewayTopic(parseWith(updateEndpointBody, body)), tenant),
        'endpoint',
        id,
      ),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @TenantParam() tenant?: string): Promise<void> {
    if (!(await this.endpoints.remove(id, tenant))) throw new NotFoundError('endpoint', id);
  }

  private refuseGatewayTopic<B extends { destination?: Parameters<typeof gatewayTopicIssue>[0] }>(
    body: B,
  ): B {
    const issue = gatewayTopicIssue(body.destination, Object.values(this.topics));
    if (issue) throw new ValidationError([issue]);
    return body;
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  createTenantBody,
  deleteTenantQuery,
  tenantListQuery,
  TenantService,
  updateTenantBody,
  type ErasureView,
  type Page,
  type TenantView,
} from '@gateway/control';
import { ConflictError, NotFoundError, parseWith } from '@gateway/platform';
import { TenantParam } from './caller';
import { found, processable } from './problems';

@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<TenantView> {
    const input = parseWith(createTenantBody, body);
    const created = processable(await this.tenants.create(input));
    if (!created) throw new ConflictError(`tenant ${input.id} exists (or existed: ids are not reused)`);
    return created;
  }

  @Get()
  list(@Query() query: unknown, @TenantParam() tenant?: string): Promise<Page<TenantView>> {
    return this.tenants.list(parseWith(tenantListQuery, query), tenant);
  }

  @Get(':id')
  async get(@Param('id') id: string, @TenantParam() tenant?: string): Promise<TenantView> {
    return found(await this.tenants.get(id, tenant), 'tenant', id);
  }

  @Patch(':id')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @TenantParam() tenant?: string,
  ): Promise<TenantView> {
    return processable(
      found(await this.tenants.update(id, parseWith(updateTenantBody, body), tenant), 'tenant', id),
    );
  }

  /**
   * 204 after marking the tenant deleted; with `?erase=true` (the route is the operator's), 200
   * with what was erased and what Kafka keeps until its retention passes (ADR 0028).
   */
  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Param('id') id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
    @TenantParam() tenant?: string,
  ): Promise<ErasureView | undefined> {
    if (parseWith(deleteTenantQuery, query).erase) {
      const erased = found(await this.tenants.erase(id), 'tenant', id);
      void reply.status(200);
      return erased;
    }
    if (!(await this.tenants.remove(id, tenant))) throw new NotFoundError('tenant', id);
    return undefined;
  }
}

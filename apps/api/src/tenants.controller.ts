import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  createTenantBody,
  tenantListQuery,
  TenantService,
  updateTenantBody,
  type Page,
  type TenantView,
} from '@gateway/control';
import { ConflictError, NotFoundError, parseWith } from '@gateway/platform';
import { TenantParam } from './caller';
import { found } from './problems';

@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<TenantView> {
    const input = parseWith(createTenantBody, body);
    const created = await this.tenants.create(input);
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
    return found(await this.tenants.update(id, parseWith(updateTenantBody, body), tenant), 'tenant', id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @TenantParam() tenant?: string): Promise<void> {
    if (!(await this.tenants.remove(id, tenant))) throw new NotFoundError('tenant', id);
  }
}

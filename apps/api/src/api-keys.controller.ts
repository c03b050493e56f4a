import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  apiKeyListQuery,
  ApiKeyService,
  createApiKeyBody,
  isRefused,
  type ApiKeyView,
  type Caller,
  type CreatedApiKeyView,
  type Page,
} from '@gateway/control';
import { NotFoundError, parseWith, ValidationError } from '@gateway/platform';
import { ForbiddenError } from './problems';
import { CallerParam, TenantParam } from './caller';

@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @CallerParam() caller: Caller): Promise<CreatedApiKeyView> {
    const created = await this.keys.create(parseWith(createApiKeyBody, body), caller);
    if (!isRefused(created)) return created;
    if (created.refused === 'scopes') throw new ForbiddenError(created.detail);
    throw new ValidationError([{ path: 'tenant', message: created.detail }]);
  }

  @Get()
  list(@Query() query: unknown, @TenantParam() tenant?: string): Promise<Page<ApiKeyView>> {
    return this.keys.list(parseWith(apiKeyListQuery, query), tenant);
  }

  /** Revokes the key: every api instance refuses it within milliseconds (LISTEN/NOTIFY). */
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string, @TenantParam() tenant?: string): Promise<void> {
    if (!(await this.keys.revoke(id, tenant))) throw new NotFoundError('api key', id);
  }
}

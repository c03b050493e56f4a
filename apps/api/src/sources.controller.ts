import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  type Provider,
} from '@nestjs/common';
import {
  createSourceBody,
  isRejected,
  SourceService,
  sourceListQuery,
  updateSourceBody,
  type Page,
  type SourceRejected,
  type SourceView,
} from '@gateway/control';
import { SourcesRepository } from '@gateway/persistence';
import { CONFIG, NotFoundError, ValidationError, parseWith } from '@gateway/platform';
import type { AppConfig } from './config';
import { TenantParam } from './caller';
import { found } from './problems';

/** The source service over the platform's data source; ingress URLs are built on PUBLIC_BASE_URL. */
export const sourceServiceProvider: Provider = {
  provide: SourceService,
  inject: [CONFIG, SourcesRepository],
  useFactory: (config: Pick<AppConfig, 'PUBLIC_BASE_URL'>, sources: SourcesRepository) =>
    new SourceService(sources, config.PUBLIC_BASE_URL),
};

/** A source the signing lib could not verify with is a 400 naming the secret or option. */
function accepted<T>(value: T | SourceRejected): T {
  if (isRejected(value)) throw new ValidationError(value.invalid);
  return value;
}

@Controller('v1/sources')
export class SourcesController {
  constructor(private readonly sources: SourceService) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @TenantParam() tenant?: string): Promise<SourceView> {
    return accepted(await this.sources.create(parseWith(createSourceBody, body), tenant));
  }

  @Get()
  list(@Query() query: unknown, @TenantParam() tenant?: string): Promise<Page<SourceView>> {
    return this.sources.list(parseWith(sourceListQuery, query), tenant);
  }

  @Get(':id')
  async get(@Param('id') id: string, @TenantParam() tenant?: string): Promise<SourceView> {
    return found(await this.sources.get(id, tenant), 'source', id);
  }

  @Patch(':id')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @TenantParam() tenant?: string,
  ): Promise<SourceView> {
    return accepted(
      found(await this.sources.update(id, parseWith(updateSourceBody, body), tenant), 'source', id),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @TenantParam() tenant?: string): Promise<void> {
    if (!(await this.sources.remove(id, tenant))) throw new NotFoundError('source', id);
  }
}

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Injectable,
  Param,
  Patch,
  Post,
  Query,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import { CatalogView, SchemaCompiler } from '@gateway/catalog';
import {
  createEventTypeBody,
  eventTypeListQuery,
  EventTypeService,
  updateEventTypeBody,
  type EventTypeView,
  type Page,
} from '@gateway/control';
import type { Logger } from '@gateway/observability';
import { EventTypesRepository, type DataSource } from '@gateway/persistence';
import {
  ConflictError,
  DATA_SOURCE,
  LOGGER,
  NotFoundError,
  parseWith,
  provideClass,
} from '@gateway/platform';
import { found, processable } from './problems';

/** Starts the API's in-memory catalog with the app (publishing checks data against it) and stops it. */
@Injectable()
export class CatalogLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly view: CatalogView) {}

  onApplicationBootstrap(): Promise<void> {
    return this.view.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.view.stop();
  }
}

export const catalogProviders: Provider[] = [
  { provide: SchemaCompiler, useFactory: () => new SchemaCompiler() },
  {
    provide: CatalogView,
    inject: [DATA_SOURCE, EventTypesRepository, LOGGER],
    useFactory: (dataSource: DataSource, eventTypes: EventTypesRepository, logger: Logger) =>
      new CatalogView(
        dataSource,
        eventTypes,
        (error) => logger.warn({ err: error }, 'event-type catalog reload failed; keeping the last one'),
        (name, issues) => logger.error({ eventType: name, issues }, 'a stored schema does not compile'),
      ),
  },
  CatalogLifecycle,
  provideClass(EventTypeService, [EventTypesRepository, CatalogView, SchemaCompiler]),
];

@Controller('v1/event-types')
export class EventTypesController {
  constructor(private readonly eventTypes: EventTypeService) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<EventTypeView> {
    const input = parseWith(createEventTypeBody, body);
    const created = processable(await this.eventTypes.create(input));
    if (created === 'exists') throw new ConflictError(`event type ${input.name} exists already`);
    return created;
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<EventTypeView>> {
    return this.eventTypes.list(parseWith(eventTypeListQuery, query));
  }

  /** Declared before `:name`, which would take it otherwise. */
  @Get('asyncapi.json')
  asyncApi(): Promise<Record<string, unknown>> {
    return this.eventTypes.asyncApi();
  }

  @Get(':name')
  async get(@Param('name') name: string): Promise<EventTypeView> {
    return found(await this.eventTypes.get(name), 'event type', name);
  }

  @Patch(':name')
  async update(@Param('name') name: string, @Body() body: unknown): Promise<EventTypeView> {
    const patch = parseWith(updateEventTypeBody, body);
    return processable(found(await this.eventTypes.update(name, patch), 'event type', name));
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@Param('name') name: string): Promise<void> {
    if (!(await this.eventTypes.remove(name))) throw new NotFoundError('event type', name);
  }
}

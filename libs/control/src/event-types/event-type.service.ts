import {
  asyncApiDocument,
  definitionIssues,
  type CatalogView,
  type SchemaCompiler,
  type SchemaIssue,
} from '@gateway/catalog';
import type { EventTypeRecord, EventTypesRepository } from '@gateway/persistence';
import { toPage, type Page } from '../pagination';
import type {
  CreateEventType,
  EventTypeListQuery,
  EventTypeView,
  UpdateEventType,
} from './event-type.schemas';

/** A definition or an input the catalog refuses: a 422 naming each reason. */
export interface CatalogRejected {
  unprocessable: SchemaIssue[];
}

export const isUnprocessable = (value: unknown): value is CatalogRejected =>
  typeof value === 'object' && value !== null && 'unprocessable' in value;

const toView = ({ createdAt, updatedAt, ...rest }: EventTypeRecord): EventTypeView => ({
  ...rest,
  createdAt: createdAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

/**
 * The event-type catalog; `undefined` / `false` = no such type, 'exists' = the name is taken. After
 * each write this process reloads its own catalog before answering, so a publish that follows is
 * checked against it; other processes follow the NOTIFY within milliseconds.
 */
export class EventTypeService {
  constructor(
    private readonly eventTypes: EventTypesRepository,
    private readonly view: CatalogView,
    private readonly compiler: SchemaCompiler,
  ) {}

  async create(input: CreateEventType): Promise<EventTypeView | CatalogRejected | 'exists'> {
    const schema = input.schema ?? null;
    const unprocessable = definitionIssues(this.compiler, schema, input.examples);
    if (unprocessable.length > 0) return { unprocessable };
    const row = await this.eventTypes.insert(input.name, {
      description: input.description ?? null,
      schema,
      examples: input.examples,
      deprecated: input.deprecated,
    });
    if (!row) return 'exists';
    await this.view.reloadAfterWrite();
    return toView(row);
  }

  async list(query: EventTypeListQuery): Promise<Page<EventTypeView>> {
    const rows = await this.eventTypes.list({ after: query.cursor, limit: query.limit + 1 });
    return toPage(
      rows,
      query.limit,
      (row) => [row.sortKey, row.name],
      ({ sortKey: _sortKey, ...row }) => toView(row),
    );
  }

  async get(name: string): Promise<EventTypeView | undefined> {
    const row = await this.eventTypes.find(name);
    return row && toView(row);
  }

  /** Checks the examples against the schema as both will be after the change. */
  async update(name: string, patch: UpdateEventType): Promise<EventTypeView | CatalogRejected | undefined> {
    const current = await this.eventTypes.find(name);
    if (!current) return undefined;
    const schema = patch.schema === undefined ? current.schema : patch.schema;
    const unprocessable = definitionIssues(this.compiler, schema, patch.examples ?? current.examples);
    if (unprocessable.length > 0) return { unprocessable };
    const row = await this.eventTypes.update(name, patch);
    await this.view.reloadAfterWrite();
    return row && toView(row);
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.eventTypes.delete(name);
    if (removed) await this.view.reloadAfterWrite();
    return removed;
  }

  async asyncApi(): Promise<Record<string, unknown>> {
    return asyncApiDocument(await this.eventTypes.all(), 'Webhook gateway events');
  }

  /** The schema errors of an event's data (undefined: it passes, or its type has no schema). */
  dataIssues(type: string, data: unknown): SchemaIssue[] | undefined {
    return this.view.catalog.check(type, data);
  }

  /**
   * Of an endpoint's type patterns, those naming no type of the catalog (EVENT_TYPES_STRICT). Asks
   * PostgreSQL, not the in-memory copy: a type created a moment ago on another replica counts, and
   * endpoint writes are rare.
   */
  unknownTypes(patterns: readonly string[]): Promise<string[]> {
    return this.eventTypes.unknownPatterns(patterns);
  }
}

import type { SchemaIssue } from './schema-limits';
import { SchemaCompiler, type DataValidator } from './schema-compiler';

/** A type as a catalog keeps it: its schema (null: any data) and the version that schema belongs to. */
export interface CatalogEntry {
  name: string;
  schema: Record<string, unknown> | null;
  updatedAt: Date;
}

interface Kept {
  version: number;
  validate: DataValidator | undefined;
}

/**
 * The catalog in memory: each type's compiled validator, compiled once per version of its schema
 * (a reload recompiles only the types whose `updatedAt` moved). `check` is a map lookup and the
 * validator's run: no I/O.
 */
export class EventCatalog {
  private kept = new Map<string, Kept>();

  constructor(
    private readonly compiler = new SchemaCompiler(),
    private readonly onBadSchema: (name: string, issues: SchemaIssue[]) => void = () => undefined,
  ) {}

  set(entries: readonly CatalogEntry[]): void {
    const next = new Map<string, Kept>();
    for (const entry of entries) {
      const version = entry.updatedAt.getTime();
      const known = this.kept.get(entry.name);
      next.set(entry.name, known?.version === version ? known : { version, validate: this.compile(entry) });
    }
    this.kept = next;
  }

  has(name: string): boolean {
    return this.kept.has(name);
  }

  names(): string[] {
    return [...this.kept.keys()];
  }

  /**
   * The schema errors of an event's `data` for its type, each path from the event (`data/amount`);
   * undefined when it passes, or its type has no schema or is not in the catalog.
   */
  check(type: string, data: unknown): SchemaIssue[] | undefined {
    return this.kept
      .get(type)
      ?.validate?.(data)
      ?.map((issue) => ({ ...issue, path: `data${issue.path}` }));
  }

  private compile(entry: CatalogEntry): DataValidator | undefined {
    if (entry.schema === null) return undefined;
    const compiled = this.compiler.compile(entry.schema);
    if (compiled.ok) return compiled.validate;
    // Checked when written; only a validator upgrade could get here: the type accepts any data then.
    this.onBadSchema(entry.name, compiled.issues);
    return undefined;
  }
}

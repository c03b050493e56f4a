import type { SchemaIssue } from './schema-limits';
import type { SchemaCompiler } from './schema-compiler';

/**
 * Why a type's definition cannot be stored: its schema does not compile (or breaks the limits), or
 * an example fails its own schema (paths `schema...` and `examples/<i>...`). Empty when fine.
 */
export function definitionIssues(
  compiler: SchemaCompiler,
  schema: Record<string, unknown> | null,
  examples: readonly unknown[],
): SchemaIssue[] {
  if (schema === null) return [];
  const compiled = compiler.compile(schema);
  if (!compiled.ok) return compiled.issues.map((issue) => ({ ...issue, path: `schema${issue.path}` }));
  return examples.flatMap(
    (example, index) =>
      compiled.validate(example)?.map((issue) => ({ ...issue, path: `examples/${index}${issue.path}` })) ??
      [],
  );
}

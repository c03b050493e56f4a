/** A schema's JSON text may be this long (bytes): a catalog entry, not a document store. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
/** How deep a schema's objects and arrays may nest. */
export const MAX_SCHEMA_DEPTH = 32;
/**
 * `uniqueItems` compares items pairwise when they are objects or arrays (quadratic): it needs a
 * `maxItems` of at most this many beside it, so that no array of a 1 MB event costs seconds.
 */
export const MAX_UNIQUE_ITEMS = 1000;

export interface SchemaIssue {
  path: string;
  message: string;
}

const REF_KEYWORDS = new Set(['$ref', '$dynamicRef']);

const boundedItems = (schema: object): boolean => {
  const { maxItems } = schema as { maxItems?: unknown };
  return typeof maxItems === 'number' && maxItems <= MAX_UNIQUE_ITEMS;
};

/**
 * What a schema must be before ajv sees it (it is hostile input): small, shallow, and closed: every
 * `$ref` points inside the schema (`#...`), and it has no `$id`, so nothing can name a file or a URL
 * (ajv would not fetch one anyway: no `loadSchema` is set), and two types cannot clash on an id;
 * `uniqueItems` only with a bounded `maxItems`.
 * Returns the first issues found, none for a fine schema.
 */
export function schemaLimitIssues(schema: unknown): SchemaIssue[] {
  const text = JSON.stringify(schema);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SCHEMA_BYTES)
    return [{ path: '', message: `the schema is ${bytes} bytes as JSON; the limit is ${MAX_SCHEMA_BYTES}` }];
  const issues: SchemaIssue[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (issues.length >= 10 || typeof value !== 'object' || value === null) return;
    if (depth > MAX_SCHEMA_DEPTH) {
      issues.push({ path, message: `nested deeper than ${MAX_SCHEMA_DEPTH} levels` });
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}/${key}`;
      if (
        !Array.isArray(value) &&
        REF_KEYWORDS.has(key) &&
        !(typeof child === 'string' && child.startsWith('#'))
      )
        issues.push({ path: at, message: 'only local references ("#...") are allowed' });
      else if (!Array.isArray(value) && key === '$id' && typeof child === 'string')
        issues.push({ path: at, message: '$id is not allowed (a catalog schema is anonymous)' });
      else if (!Array.isArray(value) && key === 'uniqueItems' && child === true && !boundedItems(value))
        issues.push({
          path: at,
          message: `uniqueItems needs a maxItems of at most ${MAX_UNIQUE_ITEMS} beside it`,
        });
      else walk(child, at, depth + 1);
    }
  };
  walk(schema, '', 0);
  return issues;
}

import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

const componentRef = (name: string) => `#/components/schemas/${name}`;
const sharedRef = /^#\/components\/schemas\/__shared#\/\$defs\/(.+)$/;

/** A readable name for a schema zod lifted out because it recurses (the filter language, JSON). */
function sharedName(schema: JsonSchema, key: string, taken: Set<string>): string {
  const properties = schema.properties as JsonSchema | undefined;
  const anyOf = schema.anyOf as JsonSchema[] | undefined;
  const base = properties?.$and
    ? 'PayloadFilter'
    : anyOf?.some((branch) => branch.type === 'null')
      ? 'JsonValue'
      : `Shared_${key}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

function rewriteRefs(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, names));
  if (typeof value !== 'object' || value === null) return value;
  const out: JsonSchema = {};
  for (const [key, item] of Object.entries(value)) {
    const match = key === '$ref' && typeof item === 'string' ? sharedRef.exec(item) : null;
    out[key] = match ? componentRef(names.get(match[1]) ?? match[1]) : rewriteRefs(item, names);
  }
  return out;
}

/**
 * OpenAPI 3.1 component schemas (JSON Schema 2020-12) generated from the zod schemas the API
 * validates with, so the document cannot drift from the code. Request bodies are described as
 * input (defaults make fields optional), answers as output. Recursive parts that zod puts under
 * `__shared` become components of their own, since OpenAPI resolves `#` from the document root.
 */
export function componentSchemas(
  schemas: Record<string, z.ZodType>,
  io: 'input' | 'output',
  taken = new Set<string>(),
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { uri: componentRef, io, unrepresentable: 'any' })
    .schemas as Record<string, JsonSchema>;
  const { __shared: shared, ...own } = generated;
  const defs = (shared?.$defs ?? {}) as Record<string, JsonSchema>;
  for (const id of Object.keys(own)) taken.add(id);
  const names = new Map(Object.entries(defs).map(([key, schema]) => [key, sharedName(schema, key, taken)]));
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(own)) {
    // zod writes a dialect and an `$id` per schema; inside an OpenAPI document both are wrong.
    const body = { ...schema };
    delete body.$schema;
    delete body.$id;
    out[id] = rewriteRefs(body, names) as JsonSchema;
  }
  for (const [key, schema] of Object.entries(defs))
    out[names.get(key)!] = rewriteRefs(schema, names) as JsonSchema;
  return out;
}

/** One query parameter per field of a query schema. */
export function queryParameters(schema: z.ZodType): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: required.has(name), description, schema: rest };
  });
}

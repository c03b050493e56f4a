import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { re2RegExp } from './safe-regexp';
import { schemaLimitIssues, type SchemaIssue } from './schema-limits';

/** Schema errors reported per event (an instance can fail once per property). */
export const MAX_DATA_ERRORS = 20;

export type DataValidator = (data: unknown) => SchemaIssue[] | undefined;

export type Compiled = { ok: true; validate: DataValidator } | { ok: false; issues: SchemaIssue[] };

const issuesOf = (errors: ErrorObject[] | null | undefined): SchemaIssue[] => {
  const all = errors ?? [];
  const kept = all
    .slice(0, MAX_DATA_ERRORS)
    .map((error) => ({ path: error.instancePath, message: error.message ?? error.keyword }));
  if (all.length > MAX_DATA_ERRORS)
    kept.push({ path: '', message: `and ${all.length - MAX_DATA_ERRORS} more` });
  return kept;
};

/**
 * Compiles catalog schemas (JSON Schema draft 2020-12, ajv with ajv-formats) after checking their
 * limits (`schemaLimitIssues`); `pattern` runs on RE2. One ajv instance serves every schema: the
 * compiled function is kept by the caller, and ajv's own cache entry is dropped at once, so that
 * reloads do not pile up schemas in it.
 */
export class SchemaCompiler {
  private readonly ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    logger: false,
    addUsedSchema: false,
    code: { regExp: re2RegExp },
  });

  constructor() {
    addFormats(this.ajv);
  }

  compile(schema: unknown): Compiled {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      return { ok: false, issues: [{ path: '', message: 'a schema is a JSON object' }] };
    const limits = schemaLimitIssues(schema);
    if (limits.length > 0) return { ok: false, issues: limits };
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(schema);
    } catch (error) {
      return { ok: false, issues: [{ path: '', message: (error as Error).message.slice(0, 500) }] };
    } finally {
      this.ajv.removeSchema(schema);
    }
    return { ok: true, validate: (data) => (validate(data) ? undefined : issuesOf(validate.errors)) };
  }
}

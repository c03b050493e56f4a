export { SchemaCompiler, MAX_DATA_ERRORS, type DataValidator, type Compiled } from './schema-compiler';
export { schemaLimitIssues, MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH, type SchemaIssue } from './schema-limits';
export { EventCatalog, type CatalogEntry } from './event-catalog';
export { definitionIssues } from './type-definition';
export { CatalogView } from './catalog-view';
export { asyncApiDocument } from './asyncapi';

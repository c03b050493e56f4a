import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { allReady } from './fuzz-support';
import { fuzzParameters, hostileBytes, hostileJsonText, hostileJsonValue, hostileString } from './hostile';

const token = 'fuzz-control-api-admin-token';
/** Requests per operation of the OpenAPI document. */
const RUNS = 25;

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
  anyOf?: Schema[];
  format?: string;
};
interface Operation {
  method: string;
  path: string;
  parameters?: { name: string; in: 'path' | 'query' }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** A value shaped like the schema says (often valid enough to reach the handler), or a hostile one. */
function shaped(
  schema: Schema | undefined,
  components: Record<string, Schema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const resolved = schema?.$ref ? components[schema.$ref.split('/').at(-1) ?? ''] : schema;
  if (!resolved || depth > 4) return hostileJsonValue;
  if (resolved.enum) return fc.oneof(fc.constantFrom(...resolved.enum), hostileJsonValue);
  if (resolved.anyOf)
    return fc.oneof(...resolved.anyOf.map((option) => shaped(option, components, depth + 1)));
  const type: string = (Array.isArray(resolved.type) ? resolved.type[0] : resolved.type) ?? '';
  switch (type) {
    case 'object': {
      const entries = Object.entries(resolved.properties ?? {}).map(
        ([name, property]) =>
          [name, fc.option(shaped(property, components, depth + 1), { nil: undefined })] as const,
      );
      return fc.oneof(
        { weight: 4, arbitrary: fc.record(Object.fromEntries(entries)) },
        { weight: 1, arbitrary: hostileJsonValue },
      );
    }
    case 'array':
      return fc.oneof(
        fc.array(shaped(resolved.items, components, depth + 1), { maxLength: 4 }),
        hostileJsonValue,
      );
    case 'string':
      return fc.oneof(
        resolved.format === 'uri' ? fc.constant('http://127.0.0.1:9/hook') : fc.string({ maxLength: 30 }),
        fc.constantFrom('invoice.*', 'http://127.0.0.1:9/hook', '2026-01-01T00:00:00Z', 'github'),
        hostileString,
      );
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double(), hostileJsonValue);
    case 'boolean':
      return fc.oneof(fc.boolean(), hostileJsonValue);
    default:
      return hostileJsonValue;
  }
}

/** A path or query value as a client could send it: encoded hostile text, or raw odd escapes. */
const urlPart: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((text) => {
    try {
      return encodeURIComponent(text.slice(0, 5000));
    } catch {
      return '%ED%A0%80'; // a lone surrogate, as UTF-8 would spell it
    }
  }),
  fc.constantFrom(
    '%00',
    '%FF',
    '%E0%A4%A',
    '%',
    '..%2F..',
    'a%2Fb',
    '0000-01-01T00%3A00%3A00Z',
    '-1',
    '1e400',
    'x'.repeat(9000),
  ),
);

/**
 * Issue 19, fuzz: every route of the control API, generated from its own OpenAPI document: path
 * and query values and bodies, shaped like the schemas or hostile (deep, huge, NUL and lone
 * surrogates, prototype keys, bytes that are not UTF-8, JSON that is not). The API answers 2xx or
 * 4xx with a problem, never 5xx, and stays ready.
 */
describe('fuzz: control API routes from the OpenAPI document (issue 19)', () => {
  let stack: OutboundStack;
  let operations: Operation[] = [];
  let components: Record<string, Schema> = {};

  before(async () => {
    stack = await startOutbound(['api'], { ADMIN_TOKEN: token });
    const document = (await (await fetch(`${stack.services.api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
      components: { schemas: Record<string, Schema> };
    };
    components = document.components.schemas;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        ...operation,
        method: method.toUpperCase(),
        path,
      })),
    );
  });

  after(async () => {
    await stack?.stop();
  });

  it('answers every generated request of every route with 2xx or a 4xx problem, never 5xx', async () => {
    assert.ok(operations.length >= 20, `the document lists the routes (${operations.length})`);
    for (const operation of operations) {
      const queryNames = (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name);
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const request = fc.record({
        id: urlPart,
        query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryNames, 'unknown'), urlPart), urlPart), {
          maxLength: 4,
        }),
        body: fc.oneof(
          {
            weight: 3,
            arbitrary: shaped(bodySchema, components).map((value) =>
              Buffer.from(JSON.stringify(value) ?? 'null'),
            ),
          },
          { weight: 2, arbitrary: hostileJsonText.map((text) => Buffer.from(text)) },
          { weight: 1, arbitrary: hostileBytes },
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ id, query, body, contentType }) => {
          const path = operation.path.replace('{id}', id);
          const search = query.map(([name, value]) => `${name}=${value}`).join('&');
          const withBody = operation.method !== 'GET' && operation.method !== 'DELETE';
          const response = await fetch(`${stack.services.api.url}${path}${search ? `?${search}` : ''}`, {
            method: operation.method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(withBody ? { 'content-type': contentType } : {}),
            },
            body: withBody ? body : undefined,
          });
          const text = await response.text();
          assert.ok(
            response.status < 500,
            `${operation.method} ${path}?${search} answered ${response.status}: ${text.slice(0, 300)}`,
          );
          if (response.status >= 400)
            assert.match(
              response.headers.get('content-type') ?? '',
              /^application\/problem\+json/,
              `${operation.method} ${path}: ${text.slice(0, 200)}`,
            );
        }),
        fuzzParameters(RUNS),
      );
    }
    await allReady(stack.services);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCatalog } from './event-catalog';
import { SchemaCompiler } from './schema-compiler';
import { MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH } from './schema-limits';
import { definitionIssues } from './type-definition';

const compiler = new SchemaCompiler();
const invoice = {
  type: 'object',
  required: ['amount'],
  properties: { amount: { type: 'integer', minimum: 0 }, email: { type: 'string', format: 'email' } },
};

describe('SchemaCompiler', () => {
  it('validates data against a 2020-12 schema, with formats and instance paths', () => {
    const compiled = compiler.compile(invoice);
    assert.ok(compiled.ok);
    assert.equal(compiled.validate({ amount: 3, email: 'a@b.example' }), undefined);
    const issues = compiled.validate({ amount: -1, email: 'nope' }) ?? [];
    assert.deepEqual(issues.map((issue) => issue.path).sort(), ['/amount', '/email']);
  });

  it('runs patterns on RE2: a catastrophic pattern answers at once', () => {
    const compiled = compiler.compile({ type: 'string', pattern: '^(a+)+$' });
    assert.ok(compiled.ok);
    const started = performance.now();
    assert.notEqual(compiled.validate(`${'a'.repeat(50_000)}!`), undefined);
    assert.ok(performance.now() - started < 2000, 'no backtracking');
    assert.equal(compiled.validate('aaaa'), undefined);
  });

  it('keeps each pattern apart (ajv shares compiled patterns by their text)', () => {
    const compiled = compiler.compile({
      type: 'object',
      properties: { a: { type: 'string', pattern: '^a$' }, b: { type: 'string', pattern: '^b$' } },
    });
    assert.ok(compiled.ok);
    assert.equal(compiled.validate({ a: 'a', b: 'b' }), undefined);
    assert.notEqual(compiled.validate({ a: 'b', b: 'a' }), undefined);
  });

  it('refuses patterns RE2 cannot run in linear time (backreferences, lookaround)', () => {
    assert.equal(compiler.compile({ type: 'string', pattern: '^(a)\\1$' }).ok, false);
    assert.equal(compiler.compile({ type: 'string', pattern: '^(?=a)a$' }).ok, false);
  });

  it('refuses remote and file references, and $id', () => {
    for (const ref of ['https://example.com/s.json', 'file:///etc/passwd', 'other.json#/a']) {
      const compiled = compiler.compile({ $ref: ref });
      assert.ok(!compiled.ok);
      assert.match(compiled.issues[0].message, /only local references/);
    }
    assert.equal(compiler.compile({ $id: 'https://example.com/s', type: 'string' }).ok, false);
    const local = compiler.compile({ $defs: { n: { type: 'integer' } }, $ref: '#/$defs/n' });
    assert.ok(local.ok);
    assert.notEqual(local.validate('x'), undefined);
  });

  it('refuses an oversize or too deep schema, and one that does not compile', () => {
    const big = compiler.compile({ description: 'x'.repeat(MAX_SCHEMA_BYTES) });
    assert.ok(!big.ok);
    assert.match(big.issues[0].message, /limit is/);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < MAX_SCHEMA_DEPTH + 2; i++) deep = { items: deep };
    assert.equal(compiler.compile(deep).ok, false);
    assert.equal(compiler.compile({ type: 'no-such-type' }).ok, false);
  });

  it('refuses uniqueItems without a small maxItems (pairwise comparison is quadratic)', () => {
    assert.equal(compiler.compile({ type: 'array', uniqueItems: true }).ok, false);
    assert.equal(compiler.compile({ type: 'array', uniqueItems: true, maxItems: 100_000 }).ok, false);
    assert.ok(compiler.compile({ type: 'array', uniqueItems: true, maxItems: 100 }).ok);
    assert.ok(compiler.compile({ type: 'array', uniqueItems: false }).ok);
  });

  it('names examples that fail their own schema', () => {
    const issues = definitionIssues(compiler, invoice, [{ amount: 1 }, { amount: 'one' }]);
    assert.deepEqual(
      issues.map((issue) => issue.path),
      ['examples/1/amount'],
    );
  });
});

describe('EventCatalog', () => {
  it('compiles a schema once per version and recompiles when the version moves', () => {
    let compiles = 0;
    const counting = new SchemaCompiler();
    const compile = counting.compile.bind(counting);
    counting.compile = (schema) => {
      compiles++;
      return compile(schema);
    };
    const catalog = new EventCatalog(counting);
    const v1 = new Date(1000);
    catalog.set([
      { name: 'invoice.paid', schema: invoice, updatedAt: v1 },
      { name: 'free.form', schema: null, updatedAt: v1 },
    ]);
    catalog.set([
      { name: 'invoice.paid', schema: invoice, updatedAt: v1 },
      { name: 'free.form', schema: null, updatedAt: v1 },
    ]);
    assert.equal(compiles, 1);
    assert.notEqual(catalog.check('invoice.paid', {}), undefined);
    assert.equal(catalog.check('free.form', 42), undefined);
    assert.equal(catalog.check('not.in.catalog', 42), undefined);
    catalog.set([{ name: 'invoice.paid', schema: { type: 'object' }, updatedAt: new Date(2000) }]);
    assert.equal(compiles, 2);
    assert.equal(catalog.check('invoice.paid', {}), undefined);
    assert.equal(catalog.has('free.form'), false);
  });
});

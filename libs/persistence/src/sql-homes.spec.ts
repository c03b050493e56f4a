import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

/** The repository's root, from this file's compiled place (dist/libs/persistence/src). */
const root = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * Files that may hold SQL statements although they are no table's repository, each for a reason:
 * the schema's history, and the two statements that concern the connection rather than a table.
 */
const infrastructure: Record<string, string> = {
  'libs/persistence/src/migrations/': 'migrations create and change the tables',
  'libs/persistence/src/data-source.ts': "the readiness probe's `SELECT 1`",
  'libs/persistence/src/change-listener.ts': 'LISTEN / UNLISTEN and the `SELECT 1` round trip of its sync',
  'libs/persistence/src/partition-catalog.ts':
    "the partitions of events, deliveries and attempts: PostgreSQL's catalog and DDL (ADR 0028)",
};

/**
 * A statement's first words: SELECT (in capitals, or in any case when a FROM follows), INSERT INTO,
 * UPDATE t SET, DELETE FROM, WITH x AS (, LISTEN, UNLISTEN, NOTIFY. Prose ("Select the newest
 * secret", "update the endpoint") is not one.
 */
const capitalStart = /^\s*(SELECT|LISTEN|UNLISTEN|NOTIFY)\b/;
const anyCaseStart =
  /^\s*(select\s[\s\S]*\bfrom\s|insert\s+into\s|update\s+\S+(\s+\S+)?\s+set\s|delete\s+from\s|with\s+\S+\s+as\s*\()/i;
const isStatement = (text: string): boolean => capitalStart.test(text) || anyCaseStart.test(text);

const tsFiles = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return tsFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative] : [];
  });

/** The text of every string and template literal, a template's substitutions as `$`. */
function literals(file: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(path.join(root, file), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = node.head.text + node.templateSpans.map((span) => `$${span.literal.text}`).join('');
    if (text !== undefined)
      found.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, text });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every table the migrations create, in kebab case (its repository's folder name). */
function tables(): string[] {
  const names = new Set<string>();
  for (const file of tsFiles('libs/persistence/src/migrations'))
    for (const { text } of literals(file))
      for (const match of text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)) names.add(match[1]);
  return [...names].map((name) => name.replace(/_/g, '-')).sort();
}

/** `libs/persistence/src/<table>/<table>.repository.ts` for a table the migrations create. */
const isRepository = (file: string, known: string[]): boolean => {
  const match = /^libs\/persistence\/src\/([a-z-]+)\/\1\.repository\.ts$/.exec(file);
  return match !== null && known.includes(match[1]);
};

/** `file:line: start of the statement` for each SQL statement outside its table's repository. */
function sqlOutsideRepositories(): string[] {
  const known = tables();
  return ['libs', 'apps']
    .flatMap(tsFiles)
    .filter((file) => !isRepository(file, known))
    .filter((file) => !Object.keys(infrastructure).some((allowed) => file.startsWith(allowed)))
    .flatMap((file) =>
      literals(file)
        .filter(({ text }) => isStatement(text))
        .map(({ line, text }) => `${file}:${line}: ${text.trim().replace(/\s+/g, ' ').slice(0, 60)}`),
    );
}

describe('one home per table (ADR 0022)', () => {
  it('finds the tables in the migrations', () => {
    assert.ok(tables().includes('endpoints') && tables().includes('inbound-dedup'), tables().join(', '));
  });

  it('keeps every SQL statement in libs/persistence/src/<table>/<table>.repository.ts', () => {
    assert.deepEqual(sqlOutsideRepositories(), []);
  });

  it('gives each repository a table of its own', () => {
    const known = tables();
    const strays = tsFiles('libs/persistence/src')
      .filter((file) => file.endsWith('.repository.ts'))
      .filter((file) => !isRepository(file, known));
    assert.deepEqual(strays, []);
  });

  it('recognises statements in string and template literals, and not prose', () => {
    for (const sql of [
      'SELECT 1',
      'select id from endpoints',
      'INSERT INTO events (id) VALUES ($1)',
      'UPDATE deliveries d SET status = $1',
      'DELETE FROM retries WHERE endpoint_id = $1',
      'WITH recorded AS (INSERT INTO events ...) SELECT 1',
      'LISTEN endpoints_changed',
    ])
      assert.ok(isStatement(sql), sql);
    for (const prose of [
      'Select the newest secret.',
      'update the endpoint',
      'deleted from the list',
      'with the copy in hand',
    ])
      assert.ok(!isStatement(prose), prose);
  });
});

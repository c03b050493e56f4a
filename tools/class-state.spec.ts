import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { classStates, classStatesUnder, MUTABLE_FIELDS_MAX } from './class-state';

/** The repository, from dist/tools where the compiled spec runs. */
const repoRoot = path.resolve(__dirname, '..', '..');

describe('class state', () => {
  it('counts the fields a class can reassign: declared or constructor parameters, without readonly or static', () => {
    const source = `
      class Counter {
        static instances = 0;
        private readonly seen = new Map<string, number>();
        private total = 0;
        last: string | undefined;
        constructor(private limit: number, private readonly name: string, plain: number) {}
        get size() { return this.total; }
        add() { this.total++; }
      }
      const Anonymous = class { open = true; };`;
    assert.deepEqual(
      classStates('sample.ts', source).map(({ name, mutable }) => [name, mutable]),
      [
        ['Counter', ['total', 'last', 'limit']],
        ['(anonymous)', ['open']],
      ],
    );
  });

  it(`finds no class in libs/ holding more than ${MUTABLE_FIELDS_MAX} mutable fields`, () => {
    const states = classStatesUnder(path.join(repoRoot, 'libs'));
    assert.ok(states.length > 20, `read the classes of libs/ (${states.length})`);
    const over = states
      .filter((state) => state.mutable.length > MUTABLE_FIELDS_MAX)
      .map((state) => `${path.relative(repoRoot, state.file)} ${state.name}: ${state.mutable.join(', ')}`);
    assert.deepEqual(over, []);
  });

  it('keeps the dispatcher, the hub its parts hang from, under 250 lines (issue 20)', () => {
    const lines = readFileSync(path.join(repoRoot, 'libs/delivery/src/dispatcher.ts'), 'utf8').split(
      '\n',
    ).length;
    assert.ok(lines < 250, `dispatcher.ts has ${lines} lines: give the new job a part of its own`);
  });
});

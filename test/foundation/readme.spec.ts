import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/stack';

describe('README', () => {
  it('carries the configuration table generated from the schemas (npm run docs:config)', () => {
    const check = spawnSync(
      process.execPath,
      [
        '-r',
        path.join(repoRoot, 'tools', 'register.js'),
        path.join(repoRoot, 'dist', 'tools', 'config-table.js'),
        '--check',
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(check.status, 0, check.stderr);
  });

  it('names the two quick-start commands', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    assert.match(readme, /npm run dev/);
    assert.match(readme, /npm test/);
  });
});

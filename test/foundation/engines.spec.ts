import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import semver from 'semver';
import { repoRoot } from '../support/stack';

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

describe('dependencies', () => {
  it('all declare an engines range that this Node satisfies (the runtime is Node 20)', () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const refused = Object.entries(lock.packages)
      .map(([where, entry]) => ({ where, range: Array.isArray(entry.engines) ? undefined : entry.engines?.node }))
      .filter(({ range }) => range !== undefined && !semver.satisfies(process.version, range, { includePrerelease: true }))
      .map(({ where, range }) => `${where} wants node ${range}`);
    assert.deepEqual(refused, [], `packages that refuse ${process.version}`);
  });
});

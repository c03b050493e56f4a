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
  it('all declare an engines range that the oldest Node we support, and this one, satisfy', () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    // The root entry: the gateway's own range (>=24.11); its lowest version is what every package must accept.
    const ours = (lock.packages[''].engines as { node: string }).node;
    const oldest = semver.minVersion(ours)?.version ?? ours;
    const refused = Object.entries(lock.packages)
      .map(([where, entry]) => ({
        where,
        range: Array.isArray(entry.engines) ? undefined : entry.engines?.node,
      }))
      .filter(({ range }) => range !== undefined)
      .flatMap(({ where, range }) =>
        [oldest, process.version]
          .filter((version) => !semver.satisfies(version, range!, { includePrerelease: true }))
          .map((version) => `${where || 'the gateway'} wants node ${range}, not ${version}`),
      );
    assert.deepEqual(refused, []);
  });
});

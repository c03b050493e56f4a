import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { serviceCommand } from '../support/services';

describe('a service started with an invalid config', () => {
  it('exits non-zero with one clear line per problem', () => {
    const result = spawnSync(process.execPath, serviceCommand('router'), {
      env: { PATH: process.env.PATH, KAFKA_BROKERS: 'not a broker', PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' },
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.notEqual(result.status, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 4, result.stderr);
    for (const name of ['KAFKA_BROKERS', 'PORT', 'LOG_LEVEL', 'DATABASE_URL']) {
      assert.ok(lines.some((line) => line.startsWith(`config: ${name}`)), `a line names ${name}`);
    }
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
  });
});

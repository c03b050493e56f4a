import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { serviceCommand } from '../support/services';

describe('a service started with an invalid config', () => {
  it('exits non-zero with one clear line per problem', () => {
    const result = spawnSync(process.execPath, serviceCommand('router'), {
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: 'not a broker',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
      },
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.notEqual(result.status, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 4, result.stderr);
    for (const name of ['KAFKA_BROKERS', 'PORT', 'LOG_LEVEL', 'DATABASE_URL']) {
      assert.ok(
        lines.some((line) => line.startsWith(`config: ${name}`)),
        `a line names ${name}`,
      );
    }
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
  });
});

describe('a service started with contradictory Kafka security settings', () => {
  it('names each problem in one line and never echoes the password', () => {
    const result = spawnSync(process.execPath, serviceCommand('router'), {
      env: {
        PATH: process.env.PATH,
        KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_PASSWORD: 'hunter2-secret',
        KAFKA_REPLICATION_FACTOR: '0',
      },
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.equal(result.status, 78, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.ok(
      lines.some((line) => /^config: KAFKA_SSL_CA_FILE is invalid: cannot read this file/.test(line)),
      result.stderr,
    );
    assert.ok(
      lines.some((line) => /^config: KAFKA_REPLICATION_FACTOR is invalid/.test(line)),
      result.stderr,
    );
    assert.doesNotMatch(result.stderr, /hunter2/);
  });

  it('refuses TLS files without KAFKA_SSL and a mechanism without a user name', () => {
    const result = spawnSync(process.execPath, serviceCommand('router'), {
      env: {
        PATH: process.env.PATH,
        KAFKA_SSL_CA_FILE: process.execPath,
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_PASSWORD: 'x',
      },
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.equal(result.status, 78, result.stderr);
    assert.match(result.stderr, /^config: KAFKA_SSL_CA_FILE is invalid: is set but KAFKA_SSL is off/m);
    assert.match(
      result.stderr,
      /^config: KAFKA_SASL_USERNAME is missing: is required with KAFKA_SASL_MECHANISM=plain/m,
    );
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/** Logs one line through `createLogger` in a child process (the logger writes to stdout) and parses it. */
function logLine(source: string): Record<string, unknown> {
  const script = `const { createLogger } = require(${JSON.stringify(require.resolve('./logger'))}); const logger = createLogger('test', 'info'); ${source}`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n')[0]) as Record<string, unknown>;
}

describe('logger redaction', () => {
  it('redacts the bound values of a failed SQL statement, keeping the message and the query', () => {
    const line = logLine(`
      const error = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
        query: 'INSERT INTO sources (id, name, provider, secrets) VALUES ($1, $2, $3, $4)',
        parameters: ['src_1', 'a', 'stripe', '["whsec_supersecret"]'],
      });
      logger.error({ err: error, url: '/v1/sources' }, 'request failed');
    `);
    const err = line.err as Record<string, unknown>;
    assert.equal(err.parameters, '[redacted]');
    assert.match(String(err.message), /invalid byte sequence/);
    assert.match(String(err.query), /INSERT INTO sources/);
    assert.doesNotMatch(JSON.stringify(line), /supersecret/);
  });

  it('redacts secrets, keys, authorization and bodies at the top level and one level down', () => {
    const line = logLine(
      `logger.info({ secret: 's1', source: { secrets: ['s2'] }, headers: { authorization: 'Bearer s3' }, body: 's4' }, 'x');`,
    );
    assert.doesNotMatch(JSON.stringify(line), /s1|s2|s3|s4/);
  });
});

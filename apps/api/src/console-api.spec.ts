import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleDocument, staleConsoleApiFiles } from './console-api';

describe('the console typed client', () => {
  it('is generated from the current OpenAPI document (run npm run console:api when this fails)', async () => {
    assert.deepEqual(await staleConsoleApiFiles(), []);
  });

  it('names every route of the console contract', () => {
    const paths = Object.keys(consoleDocument().paths as object);
    for (const route of [
      '/v1/me',
      '/v1/endpoints/{id}/stats',
      '/v1/sources/{id}/stats',
      '/v1/health/overview',
    ])
      assert.ok(paths.includes(route), route);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminTokenCheck } from './admin-token';

describe('adminTokenCheck', () => {
  const isAdmin = adminTokenCheck('s3cret-token-0123456789');

  it('accepts the token as a bearer credential, the scheme in any case', () => {
    assert.equal(isAdmin('Bearer s3cret-token-0123456789'), true);
    assert.equal(isAdmin('bearer s3cret-token-0123456789'), true);
  });

  it('refuses a missing header, another scheme, a prefix, a longer token and an empty one', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic s3cret-token-0123456789',
      'Bearer s3cret-token',
      'Bearer s3cret-token-0123456789x',
      's3cret-token-0123456789',
      'Bearer s3cret-token-0123456789 extra',
    ]) {
      assert.equal(isAdmin(header), false, String(header));
    }
  });
});

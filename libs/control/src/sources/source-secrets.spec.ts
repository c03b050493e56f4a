import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateSecret } from '@gateway/signing';
import { secretIssues } from './source-secrets';

describe('secretIssues', () => {
  it('accepts usable keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    assert.deepEqual(secretIssues('standard-webhooks', [generateSecret()], null), []);
    assert.deepEqual(secretIssues('svix', [generateSecret(), generateSecret()], null), []);
    assert.deepEqual(
      secretIssues('discord', ['d57435c88d53734fd79c8644010d2cc03a69ea53b10055b88319177e0081bf0f'], null),
      [],
    );
    assert.deepEqual(secretIssues('sendgrid', [ec.toString('base64')], null), []);
    assert.deepEqual(secretIssues('github', ['anything at all'], null), []);
    assert.deepEqual(secretIssues('generic-hmac', ['k'], { header: 'x-sig' }), []);
  });

  it('names the unusable secret by position, never by value', () => {
    const issues = secretIssues(
      'discord',
      ['d57435c88d53734fd79c8644010d2cc03a69ea53b10055b88319177e0081bf0f', 'not-hex-key'],
      null,
    );
    assert.equal(issues.length, 1);
    assert.equal(issues[0].path, 'secrets.1');
    assert.ok(!issues[0].message.includes('not-hex-key'));
    assert.equal(secretIssues('sendgrid', ['bm90IGEga2V5'], null)[0]?.path, 'secrets.0');
    assert.equal(secretIssues('standard-webhooks', ['whsec_!!!'], null)[0]?.path, 'secrets.0');
  });

  it('requires options for generic-hmac, and only there', () => {
    assert.equal(secretIssues('generic-hmac', ['k'], null)[0]?.path, 'options');
    assert.equal(
      secretIssues('generic-hmac', ['k'], { header: 'x-sig', signed: 'timestamp.body' })[0]?.path,
      'options',
    );
    assert.equal(secretIssues('stripe', ['k'], { header: 'x' })[0]?.path, 'options');
  });
});

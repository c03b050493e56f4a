import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAddressPolicy } from './address-policy';

describe('address policy (SSRF guard)', () => {
  const policy = createAddressPolicy([]);
  it('refuses private, loopback, link-local, metadata and mapped addresses', () => {
    for (const address of [
      '10.0.0.1',
      '127.0.0.1',
      '169.254.169.254',
      '172.16.5.4',
      '192.168.1.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::7f00:1',
      '::',
      '64:ff9b:1::a9fe:a9fe',
      '2002:a9fe:a9fe::',
      '2001:0:4136:e378::1',
      '100.64.0.1',
    ]) {
      assert.equal(policy.allows(address), false, address);
    }
  });
  it('allows public addresses', () => {
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])
      assert.equal(policy.allows(address), true, address);
  });
  it('allows what the allow-list covers, and only that', () => {
    const dev = createAddressPolicy(['127.0.0.0/8']);
    assert.equal(dev.allows('127.0.0.1'), true);
    assert.equal(dev.allows('::ffff:127.0.0.1'), true);
    assert.equal(dev.allows('10.0.0.1'), false);
  });
  it('refuses what is not an address', () => {
    assert.equal(policy.allows('localhost'), false);
  });
});

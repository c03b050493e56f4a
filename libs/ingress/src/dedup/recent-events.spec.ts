import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { providerKeys } from '@gateway/signing';
import { dedupKeyOf, dedupKeysOf, inboundIdFor } from './dedup-key';
import { RecentEvents } from './recent-events';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RecentEvents', () => {
  it('reports a write in progress, then the acknowledged event until its window ends', async () => {
    const recent = new RecentEvents(10);
    let ack!: () => void;
    const write = new Promise<void>((resolve) => (ack = resolve));
    recent.begin('k', write, 1000);
    assert.equal(recent.lookup('k', 0).state, 'writing');
    ack();
    await tick();
    assert.equal(recent.lookup('k', 999).state, 'acknowledged');
    assert.equal(recent.lookup('k', 1000).state, 'absent');
    assert.equal(recent.size, 0);
  });

  it('forgets an event whose write failed', async () => {
    const recent = new RecentEvents(10);
    const write = Promise.reject(new Error('kafka down'));
    recent.begin('k', write, 1000);
    await write.catch(() => undefined);
    await tick();
    assert.equal(recent.lookup('k', 0).state, 'absent');
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const recent = new RecentEvents(2);
    for (const key of ['a', 'b', 'c']) recent.begin(key, Promise.resolve(), 1000);
    await tick();
    assert.equal(recent.size, 2);
    assert.equal(recent.lookup('a', 0).state, 'absent');
    assert.equal(recent.lookup('c', 0).state, 'acknowledged');
  });

  it('remembers nothing when sized 0', () => {
    const recent = new RecentEvents(0);
    recent.begin('a', Promise.resolve(), 1000);
    assert.equal(recent.lookup('a', 0).state, 'absent');
  });
});

describe('dedup keys and inbound ids', () => {
  it('uses the provider id, or the body hash when there is none', () => {
    assert.equal(dedupKeyOf('stripe', 'evt_1', Buffer.from('x'), null), 'id:evt_1');
    assert.match(dedupKeyOf('zoom', null, Buffer.from('x'), null), /^body:[0-9a-f]{64}$/);
    assert.match(dedupKeyOf('github', 'x'.repeat(201), Buffer.alloc(0), null), /^idsha256:[0-9a-f]{64}$/);
  });

  it('keys Mailgun by its signed token, since the event id is not signed', () => {
    const json = Buffer.from(
      '{"signature":{"token":"tok1","timestamp":"1","signature":"ab"},"event-data":{"id":"e1"}}',
    );
    assert.equal(dedupKeyOf('mailgun', 'e1', json, 'application/json'), 'token:tok1');
    assert.equal(
      dedupKeyOf('mailgun', 'e1', Buffer.from('token=tok2&timestamp=1'), 'application/x-www-form-urlencoded'),
      'token:tok2',
    );
    // A content type the verifier does not take for a form: the body was verified as JSON, and its
    // signed token stays the key (a look-alike type must not turn the key into the unsigned id).
    assert.equal(dedupKeyOf('mailgun', 'e2', json, 'application/x-www-form-urlencodedX'), 'token:tok1');
  });

  it("adds the body as a second key where the provider's id is unsigned, as its verifier declares", () => {
    const body = Buffer.from('{"a":1}');
    const bodyKey = `body:${createHash('sha256').update(body).digest('hex')}`;
    const twoKeys = providerKeys.filter((provider) => dedupKeysOf(provider, 'd1', body, null).length === 2);
    // The providers the hand-kept list named before their verifiers declared it (issue 20).
    assert.deepEqual(twoKeys.sort(), ['generic-hmac', 'github', 'gitlab', 'linear', 'shopify', 'twilio']);
    assert.deepEqual(dedupKeysOf('github', 'd1', body, null), ['id:d1', bodyKey]);
    assert.deepEqual(dedupKeysOf('github', null, body, null), [bodyKey]);
    assert.deepEqual(dedupKeysOf('stripe', 'evt_1', body, null), ['id:evt_1']);
    const json = Buffer.from('{"signature":{"token":"tok1"},"event-data":{"id":"e1"}}');
    assert.deepEqual(dedupKeysOf('mailgun', 'e1', json, 'application/json'), ['token:tok1']);
    assert.deepEqual(dedupKeysOf('no-such-provider', 'x', body, null), ['id:x']);
  });

  it('gives every copy of an event the same id, and other sources or events another', () => {
    const id = inboundIdFor('src_a', 'id:evt_1');
    assert.match(id, /^in_[A-Za-z0-9_-]{22}$/);
    assert.equal(inboundIdFor('src_a', 'id:evt_1'), id);
    assert.notEqual(inboundIdFor('src_b', 'id:evt_1'), id);
    assert.notEqual(inboundIdFor('src_a', 'id:evt_2'), id);
  });
});

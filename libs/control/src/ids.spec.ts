import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newEndpointId, newEventId } from './ids';

describe('ids', () => {
  it('are 16 random bytes in base64url after their prefix, none repeated across several refills of the pool', () => {
    const ids = Array.from({ length: 2_000 }, () => newEventId());
    for (const id of ids) assert.match(id, /^evt_[A-Za-z0-9_-]{22}$/);
    assert.equal(new Set(ids).size, ids.length);
    // Another kind of id draws from the same pool, never the bytes an event id had.
    const bodies = new Set(ids.map((id) => id.slice(4)));
    for (let i = 0; i < 600; i++) assert.ok(!bodies.has(newEndpointId().slice(3)));
  });
});

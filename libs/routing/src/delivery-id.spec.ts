import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryIdFor } from './delivery-id';

void describe('deliveryIdFor', () => {
  void it('is a fixed, URL-safe msg_ id of 144 bits', () => {
    const id = deliveryIdFor('evt_1', 'ep_1');
    assert.match(id, /^msg_[A-Za-z0-9_-]{24}$/);
    // Pinned: changing the derivation would change every webhook-id receivers dedupe on.
    assert.equal(id, deliveryIdFor('evt_1', 'ep_1'));
    assert.equal(id, 'msg_mcCN9TQ_tY9id8k0V9KOJxIR');
  });

  void it('differs per event, per endpoint, and where the separator falls', () => {
    const ids = new Set([
      deliveryIdFor('evt_1', 'ep_1'),
      deliveryIdFor('evt_2', 'ep_1'),
      deliveryIdFor('evt_1', 'ep_2'),
      deliveryIdFor('ab', 'c'),
      deliveryIdFor('a', 'bc'),
    ]);
    assert.equal(ids.size, 5);
  });
});

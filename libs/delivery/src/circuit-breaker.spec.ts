import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const settings = { failureThreshold: 3, openMs: 1000, maxOpenMs: 4000 };

  it('opens after the threshold, defers while open, probes once half-open, closes on success', () => {
    const breaker = new CircuitBreaker(settings);
    assert.equal(breaker.onFailure(0), undefined);
    assert.equal(breaker.onFailure(0), undefined);
    assert.equal(breaker.onFailure(0), 'open');
    assert.deepEqual(breaker.admit(500), { kind: 'defer', until: 1500 });
    assert.deepEqual(breaker.admit(1000), { kind: 'attempt' }, 'one probe when the open period ends');
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.admit(1001).kind, 'defer', 'only one probe at a time');
    assert.equal(breaker.onSuccess(), 'closed');
    assert.deepEqual(breaker.admit(1002), { kind: 'attempt' });
  });

  it('re-opens for longer when the probe fails, up to the cap', () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) breaker.onFailure(0);
    breaker.admit(1000);
    assert.equal(breaker.onFailure(1000), 'open');
    assert.deepEqual(breaker.admit(2000), { kind: 'defer', until: 3000 });
    breaker.admit(3000);
    breaker.onFailure(3000);
    breaker.admit(7000);
    breaker.onFailure(7000);
    assert.deepEqual(breaker.admit(7001), { kind: 'defer', until: 11000 }, 'capped at maxOpenMs');
  });

  it('a success resets the failure count', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.onFailure(0);
    breaker.onFailure(0);
    breaker.onSuccess();
    assert.equal(breaker.onFailure(0), undefined);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileTypePatterns, eventTypePattern, reduceTypePatterns } from './event-type-pattern';

void describe('compileTypePatterns', () => {
  void it('matches an exact type only', () => {
    const matches = compileTypePatterns(['invoice.paid']);
    assert.equal(matches('invoice.paid'), true);
    assert.equal(matches('invoice.paid.late'), false);
    assert.equal(matches('invoice'), false);
    assert.equal(matches('Invoice.paid'), false);
  });

  void it('lets "prefix.*" match one or more further segments, not the prefix itself', () => {
    const matches = compileTypePatterns(['invoice.*']);
    assert.equal(matches('invoice.paid'), true);
    assert.equal(matches('invoice.payment.failed'), true);
    assert.equal(matches('invoice'), false);
    assert.equal(matches('invoice.'), false);
    assert.equal(matches('invoices.paid'), false);
    assert.equal(matches('customer.invoice.paid'), false);
  });

  void it('lets "*" match everything', () => {
    const matches = compileTypePatterns(['invoice.paid', '*']);
    assert.equal(matches('anything'), true);
    assert.equal(matches('a.b.c'), true);
  });

  void it('matches any of several patterns, and nothing when given none', () => {
    const matches = compileTypePatterns(['invoice.paid', 'customer.*']);
    assert.equal(matches('invoice.paid'), true);
    assert.equal(matches('customer.created'), true);
    assert.equal(matches('invoice.voided'), false);
    assert.equal(compileTypePatterns([])('invoice.paid'), false);
  });

  void it('never matches a string that is not a valid pattern', () => {
    const matches = compileTypePatterns(['invoice.*.paid', 'in*']);
    assert.equal(matches('invoice.x.paid'), false);
    assert.equal(matches('invoice'), false);
  });
});

void describe('reduceTypePatterns', () => {
  void it('drops what a wider pattern already covers', () => {
    assert.deepEqual(reduceTypePatterns(['a.b.*', 'a.*', 'a.b.c', 'a', 'b.c', 'b.c']), {
      all: false,
      exact: ['a', 'b.c'],
      prefixes: ['a.'],
    });
    assert.deepEqual(reduceTypePatterns(['a.*', '*']), { all: true, exact: [], prefixes: [] });
  });
});

void describe('eventTypePattern', () => {
  void it('accepts exact types, prefix wildcards and "*"', () => {
    for (const pattern of ['invoice.paid', 'invoice.*', '*', 'a:b-c_d.*', 'invoice']) {
      assert.equal(eventTypePattern.safeParse(pattern).success, true, pattern);
    }
  });

  void it('rejects wildcards anywhere but alone or last, and foreign characters', () => {
    for (const pattern of [
      '',
      'invoice*',
      '*.paid',
      'invoice.*.paid',
      '.*',
      'in voice',
      'a.**',
      'x'.repeat(201),
    ]) {
      assert.equal(eventTypePattern.safeParse(pattern).success, false, pattern);
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson } from '@gateway/schemas';
import { compileFilter, InvalidFilterError, payloadFilter, type PayloadFilter } from './payload-filter';

const order = {
  amount: 250,
  currency: 'EUR',
  status: 'paid',
  paidAt: '2026-03-01T10:00:00Z',
  coupon: null,
  customer: { country: 'DE', tags: ['vip', 'b2b'] },
  items: [{ sku: 'A-1', qty: 2 }],
};

/** Parses like the API would, then compiles and runs against `order`. */
function check(filter: unknown, data: unknown = order): boolean {
  return compileFilter(payloadFilter.parse(filter))(data);
}

void describe('compileFilter: equality and paths', () => {
  void it('matches a plain value by equality on a dotted path', () => {
    assert.equal(check({ 'customer.country': 'DE' }), true);
    assert.equal(check({ 'customer.country': 'FR' }), false);
    assert.equal(check({ 'items.0.sku': 'A-1' }), true);
    assert.equal(check({ coupon: null }), true);
    assert.equal(check({ missing: null }), false);
  });

  void it('compares objects and arrays structurally, without implicit array membership', () => {
    assert.equal(check({ 'customer.tags': ['vip', 'b2b'] }), true);
    assert.equal(check({ 'customer.tags': 'vip' }), false);
    assert.equal(check({ customer: { tags: ['vip', 'b2b'], country: 'DE' } }), true);
  });

  void it('ANDs several keys; an empty filter matches everything', () => {
    assert.equal(check({ currency: 'EUR', status: 'paid' }), true);
    assert.equal(check({ currency: 'EUR', status: 'open' }), false);
    assert.equal(check({}), true);
    assert.equal(check({}, 'not an object'), true);
  });

  void it('fails field conditions on data that is not an object', () => {
    assert.equal(check({ amount: 250 }, null), false);
    assert.equal(check({ amount: 250 }, [250]), false);
  });
});

void describe('compileFilter: operators', () => {
  void it('$eq and $ne (a missing field is "not equal")', () => {
    assert.equal(check({ status: { $eq: 'paid' } }), true);
    assert.equal(check({ 'customer.tags': { $eq: ['vip', 'b2b'] } }), true);
    assert.equal(check({ status: { $ne: 'paid' } }), false);
    assert.equal(check({ status: { $ne: 'open' } }), true);
    assert.equal(check({ missing: { $ne: 'x' } }), true);
  });

  void it('$gt, $gte, $lt, $lte on numbers', () => {
    assert.equal(check({ amount: { $gt: 100, $lt: 1000 } }), true);
    assert.equal(check({ amount: { $gt: 250 } }), false);
    assert.equal(check({ amount: { $gte: 250 } }), true);
    assert.equal(check({ amount: { $lt: 250 } }), false);
    assert.equal(check({ amount: { $lte: 250 } }), true);
    assert.equal(check({ amount: { $gt: 100, $lt: 200 } }), false);
  });

  void it('compares strings with strings (ISO times in order) and never across types', () => {
    assert.equal(check({ paidAt: { $gte: '2026-03-01T00:00:00Z' } }), true);
    assert.equal(check({ paidAt: { $lt: '2026-02-01T00:00:00Z' } }), false);
    assert.equal(check({ amount: { $gt: '100' } }), false);
    assert.equal(check({ currency: { $lt: 1 } }), false);
    assert.equal(check({ missing: { $lt: 1 } }), false);
    assert.equal(check({ coupon: { $gte: 0 } }), false);
  });

  void it('$in and $nin (a missing field is "not in")', () => {
    assert.equal(check({ status: { $in: ['paid', 'refunded'] } }), true);
    assert.equal(check({ status: { $in: ['open'] } }), false);
    assert.equal(check({ coupon: { $in: [null] } }), true);
    assert.equal(check({ 'items.0': { $in: [{ qty: 2, sku: 'A-1' }] } }), true);
    assert.equal(check({ missing: { $in: ['x'] } }), false);
    assert.equal(check({ status: { $nin: ['open', 'void'] } }), true);
    assert.equal(check({ status: { $nin: ['paid'] } }), false);
    assert.equal(check({ missing: { $nin: ['x'] } }), true);
    assert.equal(check({ amount: { $in: ['250'] } }), false);
  });

  void it('$exists counts a null field as present', () => {
    assert.equal(check({ coupon: { $exists: true } }), true);
    assert.equal(check({ coupon: { $exists: false } }), false);
    assert.equal(check({ 'customer.vat': { $exists: false } }), true);
    assert.equal(check({ 'customer.vat': { $exists: true } }), false);
  });

  void it('$and and $or combine whole filters, and nest', () => {
    assert.equal(check({ $and: [{ currency: 'EUR' }, { amount: { $gt: 100 } }] }), true);
    assert.equal(check({ $and: [{ currency: 'EUR' }, { amount: { $gt: 1000 } }] }), false);
    assert.equal(check({ $or: [{ currency: 'USD' }, { amount: { $gt: 100 } }] }), true);
    assert.equal(check({ $or: [{ currency: 'USD' }, { status: 'open' }] }), false);
    const nested = {
      status: 'paid',
      $or: [{ $and: [{ currency: 'USD' }] }, { 'customer.country': { $in: ['DE'] } }],
    };
    assert.equal(check(nested), true);
  });
});

void describe('payloadFilter (API validation)', () => {
  function issues(filter: unknown): { path: string; message: string }[] {
    const result = payloadFilter.safeParse(filter);
    assert.equal(result.success, false, 'expected a rejection');
    return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  }

  void it('names the field and the unknown operator', () => {
    const [issue] = issues({ amount: { $gtt: 1 } });
    assert.equal(issue.path, 'amount');
    assert.match(issue.message, /unknown operator "\$gtt"; expected \$eq, \$ne, \$gt/);
  });

  void it('rejects field names mixed into an operator object', () => {
    const [issue] = issues({ customer: { $exists: true, country: 'DE' } });
    assert.equal(issue.path, 'customer');
    assert.match(issue.message, /unknown operator "country"/);
  });

  void it('rejects unknown top-level operators, also inside $and/$or', () => {
    assert.deepEqual(
      issues({ $not: { a: 1 } }).map((issue) => issue.path),
      ['$not'],
    );
    assert.deepEqual(
      issues({ $or: [{ a: 1 }, { b: { $regex: 'x' } }] }).map((issue) => issue.path),
      ['$or.1.b'],
    );
  });

  void it('rejects wrong operand types', () => {
    assert.equal(issues({ amount: { $gt: true } })[0].path, 'amount.$gt');
    assert.equal(issues({ status: { $in: 'paid' } })[0].path, 'status.$in');
    assert.equal(issues({ coupon: { $exists: 'yes' } })[0].path, 'coupon.$exists');
    assert.equal(issues({ $and: [] })[0].path, '$and');
    assert.equal(issues({ $or: { a: 1 } })[0].path, '$or');
  });

  void it('rejects empty path segments, non-objects and too deep nesting', () => {
    assert.equal(issues({ 'a..b': 1 })[0].path, 'a..b');
    assert.equal(issues({ '': 1 })[0].path, '');
    issues([{ a: 1 }]);
    issues('a = 1');
    let deep: PayloadFilter = { a: 1 };
    for (let level = 0; level < 8; level += 1) deep = { $and: [deep] };
    assert.match(issues(deep)[0].message, /at most 8 levels/);
    assert.equal(payloadFilter.safeParse((deep.$and as PayloadFilter[])[0]).success, true);
  });

  void it('accepts the README example', () => {
    const example = {
      'customer.country': { $in: ['DE', 'AT'] },
      amount: { $gt: 100, $lt: 1000 },
      $or: [{ coupon: { $exists: false } }, { plan: 'enterprise' }],
    };
    assert.equal(payloadFilter.safeParse(example).success, true);
    assert.equal(check(example), false);
    assert.equal(check(example, { ...order, coupon: undefined }), true);
  });
});

void describe('compileFilter on unvalidated input', () => {
  void it('throws InvalidFilterError instead of guessing', () => {
    assert.throws(() => compileFilter({ a: { $regex: 'x' } }), InvalidFilterError);
    assert.throws(() => compileFilter({ $not: [] }), InvalidFilterError);
    assert.throws(() => compileFilter({ a: { $gt: true } }), InvalidFilterError);
    assert.throws(() => compileFilter({ a: { $in: 'x' } }), InvalidFilterError);
  });
});

void describe('compileFilter with numbers a double cannot hold', () => {
  void it('matches a Number and an ExactNumber of the same value, however written ($eq, $in)', () => {
    // A filter read back from jsonb spells 1e16 as 10000000000000000, an ExactNumber.
    const eq = compileFilter(parseJson('{"n":10000000000000000}') as PayloadFilter);
    assert.equal(eq(parseJson('{"n":1e16}')), true);
    assert.equal(eq(parseJson('{"n":10000000000000000.0}')), true);
    assert.equal(eq(parseJson('{"n":10000000000000001}')), false);
    const eqNumber = compileFilter({ n: 1e16 });
    assert.equal(eqNumber(parseJson('{"n":10000000000000000}')), true);
    const member = compileFilter({ n: { $in: [9007199254740992, 'x'] } });
    assert.equal(member(parseJson('{"n":9007199254740992.0}')), true);
    assert.equal(member(parseJson('{"n":9007199254740993}')), false);
  });

  void it("refuses, as API input, a number beyond a double's range (jsonb cannot store 1e1001)", () => {
    const result = payloadFilter.safeParse(parseJson('{"n":{"$gt":1e1001}}'));
    assert.equal(result.success, false);
    assert.match(JSON.stringify(result.error?.issues), /double's range/);
    assert.equal(payloadFilter.safeParse(parseJson('{"n":{"$gt":1e300}}')).success, true);
  });
});

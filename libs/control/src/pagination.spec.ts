import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  asksOtherTenant,
  encodeCursor,
  intSortKey,
  pageQuery,
  timeSortKey,
  toIdPage,
  toPage,
} from './pagination';

describe('pagination', () => {
  const query = z.object(pageQuery(timeSortKey));

  it('defaults the limit to 20 and bounds it to 1..100', () => {
    assert.equal(query.parse({}).limit, 20);
    assert.equal(query.parse({ limit: '100' }).limit, 100);
    assert.equal(query.safeParse({ limit: '0' }).success, false);
    assert.equal(query.safeParse({ limit: '101' }).success, false);
  });

  it('decodes a cursor it encoded and refuses anything else, naming the cursor', () => {
    const position: [string, string] = ['2026-03-01T12:00:00.123456Z', 'ep_1'];
    assert.deepEqual(query.parse({ cursor: encodeCursor(position) }).cursor, position);
    for (const cursor of [
      'nope',
      encodeCursor(['yesterday', 'ep_1']),
      Buffer.from('[1,2]').toString('base64url'),
    ]) {
      const result = query.safeParse({ cursor });
      assert.equal(result.success, false, cursor);
      assert.deepEqual(result.error?.issues[0]?.path, ['cursor']);
    }
    assert.equal(
      z.object(pageQuery(intSortKey)).safeParse({ cursor: encodeCursor(['1; DROP', 'x']) }).success,
      false,
    );
  });

  it('shows `limit` rows and a cursor after the last one only when a further row was fetched', () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const more = toPage(
      rows,
      2,
      (row) => [String(row.n), 'id'],
      (row) => row.n,
    );
    assert.deepEqual(more.data, [1, 2]);
    assert.equal(more.nextCursor, encodeCursor(['2', 'id']));
    const last = toPage(
      rows,
      3,
      (row) => [String(row.n), 'id'],
      (row) => row.n,
    );
    assert.deepEqual(last, { data: [1, 2, 3], nextCursor: null });
  });

  it('pages rows listed by (sortKey, id): the cursor is that pair, and the view never sees the sort key', () => {
    const rows = ['a', 'b', 'c'].map((id, n) => ({ sortKey: String(n), id, name: id.toUpperCase() }));
    const page = toIdPage(rows, 2, (row) => ({ ...row }));
    assert.deepEqual(page.data, [
      { id: 'a', name: 'A' },
      { id: 'b', name: 'B' },
    ]);
    assert.equal(page.nextCursor, encodeCursor(['1', 'b']));
  });

  it("tells a tenant's filter by another tenant apart from its own, no filter, and the operator's", () => {
    assert.equal(asksOtherTenant('b', 'a'), true);
    assert.equal(asksOtherTenant('a', 'a'), false);
    assert.equal(asksOtherTenant(undefined, 'a'), false);
    assert.equal(asksOtherTenant('b', undefined), false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { columnsOf, containing, FieldWriter, SqlConditions } from './sql';

const record = z.object({
  id: z.string(),
  eventTypes: z.array(z.string()),
  retryPolicy: z.object({}).nullable(),
});

describe('statement helpers', () => {
  it('makes a search text an ILIKE pattern in which %, _ and \\ match themselves', () => {
    assert.equal(containing('Billing'), '%Billing%');
    assert.equal(containing('100%_off'), '%100\\%\\_off%');
    assert.equal(containing('a\\b'), '%a\\\\b%');
  });

  it('names each column once, from its record field', () => {
    assert.equal(columnsOf(record), 'id, event_types AS "eventTypes", retry_policy AS "retryPolicy"');
    assert.equal(columnsOf(record, 'e', ['id', 'eventTypes']), 'e.id AS "id", e.event_types AS "eventTypes"');
  });

  it('writes the same fields for an insert and an update, null for an absent optional one', () => {
    const writer = new FieldWriter<{ url: string; eventTypes: string[]; filter: object | null }>({
      url: '',
      eventTypes: '::text[]',
      filter: '::jsonb',
    });
    const insert = new SqlConditions();
    assert.deepEqual(writer.insert({ url: 'u', eventTypes: ['*'] }, insert), {
      columns: 'url, event_types, filter',
      values: '$1, $2::text[], $3::jsonb',
    });
    assert.deepEqual(insert.params, ['u', ['*'], null]);
    const update = new SqlConditions();
    assert.deepEqual(writer.assignments({ filter: { a: 1 }, url: undefined }, update), [
      'filter = $1::jsonb',
    ]);
    assert.deepEqual(update.params, ['{"a":1}']);
  });

  it('keeps the rows past a cursor, in either order', () => {
    const sql = new SqlConditions().after(
      ['2026-01-01T00:00:00.000001Z', 'ep_1'],
      'created_at, id',
      'oldest-first',
    );
    assert.equal(sql.where(), 'WHERE (created_at, id) > ($1::timestamptz, $2)');
    const newest = new SqlConditions().after(['t', 'x'], 'dead_at, delivery_id', 'newest-first');
    assert.equal(newest.where(), 'WHERE (dead_at, delivery_id) < ($1::timestamptz, $2)');
    assert.equal(new SqlConditions().after(undefined, 'created_at, id', 'oldest-first').where(), '');
  });
});

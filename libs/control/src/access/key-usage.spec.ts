import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyUsage } from './key-usage';

describe('KeyUsage', () => {
  it('writes every key used since the last flush in one statement, each once', async () => {
    const writes: string[][] = [];
    const usage = new KeyUsage({ touch: (ids) => Promise.resolve(void writes.push(ids)) }, 60_000, () => {});
    for (const id of ['key_a', 'key_b', 'key_a', 'key_a']) usage.note(id);
    await usage.flush();
    await usage.flush();
    assert.deepEqual(writes, [['key_a', 'key_b']]);
    await usage.close();
  });

  it('keeps a batch whose write failed for the next flush, and reports the failure', async () => {
    const writes: string[][] = [];
    const errors: unknown[] = [];
    let fail = true;
    const usage = new KeyUsage(
      {
        touch: (ids) => {
          if (fail) return Promise.reject(new Error('database down'));
          writes.push(ids);
          return Promise.resolve();
        },
      },
      60_000,
      (error) => errors.push(error),
    );
    usage.note('key_a');
    await usage.flush();
    assert.equal(errors.length, 1);
    fail = false;
    usage.note('key_b');
    await usage.close();
    assert.deepEqual(
      writes.map((ids) => [...ids].sort()),
      [['key_a', 'key_b']],
    );
  });
});

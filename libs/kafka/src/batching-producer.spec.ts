import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sendWhole } from './batching-producer';

describe('sendWhole', () => {
  it('sends the whole batch again after a failure, and resolves only once one send succeeded', async () => {
    let calls = 0;
    await sendWhole(async () => {
      calls++;
      if (calls < 3) throw new Error('This server is not the leader for that topic-partition');
    }, [0, 0]);
    assert.equal(calls, 3);
  });

  it('rejects when every send failed, so no caller is told its message was written', async () => {
    let calls = 0;
    await assert.rejects(
      sendWhole(async () => {
        calls++;
        throw new Error('Connection error');
      }, [0, 0]),
      /Connection error/,
    );
    assert.equal(calls, 3);
  });
});

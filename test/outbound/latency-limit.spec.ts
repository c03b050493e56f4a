import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { insertEndpoint } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { waitFor } from '../support/wait-for';

/**
 * The dispatcher's per-endpoint latency limit (ADR 0010): a burst to a fresh endpoint starts with
 * one attempt in flight and more as attempts end on time, up to the endpoint's cap.
 */
describe('outbound: a first burst to a fresh endpoint', () => {
  let stack: OutboundStack;
  let server: Server;
  /** For each request, how many others the receiver was answering when it arrived. */
  const othersAtArrival: number[] = [];
  let inFlight = 0;

  before(async () => {
    server = createServer((request, response) => {
      othersAtArrival.push(inFlight++);
      response.on('finish', () => inFlight--);
      request.resume();
      request.on('end', () => setTimeout(() => response.end('ok'), 30));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    stack = await startOutbound(['router', 'dispatcher'], {}, async () => {
      await insertEndpoint({ url, eventTypes: ['burst.*'] });
    });
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('starts with one attempt in flight, and more as attempts end on time, up to the cap', async () => {
    await stack.publish(
      Array.from({ length: 300 }, (_, n) => ({ type: 'burst.one', data: { n }, id: `evt_fresh_${n}` })),
      'one-key',
    );
    await waitFor('all 300 deliveries', 60000, () => othersAtArrival.length >= 300);
    // The second request arrives once the first has been answered: the limit starts at one.
    assert.deepEqual(othersAtArrival.slice(0, 2), [0, 0]);
    const most = Math.max(...othersAtArrival);
    assert.ok(most >= 7 && most <= 31, `at most ${most + 1} in flight (the cap is 32)`);
  });
});

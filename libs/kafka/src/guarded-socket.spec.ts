import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type LookupFunction } from 'node:net';
import { describe, it } from 'node:test';
import { BLOCKED_ADDRESS_CODE, guardedSocketFactory } from './guarded-socket';

const refuseNames: LookupFunction = (hostname, _options, callback) =>
  callback(Object.assign(new Error(`${hostname} is refused`), { code: BLOCKED_ADDRESS_CODE }), '', 4);

describe('guarded socket factory', () => {
  it('refuses a blocked literal address (an advertised broker) before connecting', () => {
    const factory = guardedSocketFactory({
      lookup: refuseNames,
      allows: (address) => address !== '10.0.0.7',
    });
    assert.throws(
      () => factory({ host: '10.0.0.7', port: 9092, ssl: {}, onConnect: () => undefined }),
      (error: Error & { code?: string }) =>
        error.code === BLOCKED_ADDRESS_CODE && error.message.includes(BLOCKED_ADDRESS_CODE),
    );
  });

  it('connects to an allowed literal address, and resolves names through the guard', async () => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const factory = guardedSocketFactory({ lookup: refuseNames, allows: () => true });
    try {
      const connected = new Promise<void>((resolve) => {
        // KafkaJS passes null without TLS (its type says otherwise).
        const socket = factory({ host: '127.0.0.1', port, ssl: null as never, onConnect: resolve });
        socket.on('close', () => undefined);
      });
      await connected;
      const named = factory({
        host: 'broker.internal',
        port,
        ssl: null as never,
        onConnect: () => undefined,
      });
      const [error] = (await once(named, 'error')) as [Error & { code?: string }];
      assert.equal(error.code, BLOCKED_ADDRESS_CODE);
    } finally {
      server.close();
    }
  });
});

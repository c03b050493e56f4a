import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAddressPolicy } from '../../address-policy';
import { HttpSender } from './http-sender';

describe('HTTP sender', () => {
  let server: Server;
  let base: string;
  const open: ServerResponse[] = [];
  const sender = new HttpSender({
    policy: createAddressPolicy(['127.0.0.0/8']),
    timeoutMs: 300,
    connectTimeoutMs: 1000,
  });

  before(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        switch (request.url ?? '/') {
          case '/long':
            response.writeHead(200, { 'content-type': 'text/plain' });
            response.end('x'.repeat(100_000));
            return;
          case '/retry-after':
            response.writeHead(503, { 'retry-after': '7' });
            response.end('busy');
            return;
          case '/no-head':
            open.push(response);
            return;
          case '/stalled-body':
            response.writeHead(200, { 'content-type': 'text/plain' });
            response.write('partial');
            open.push(response);
            return;
          default:
            response.writeHead(200);
            response.end('ok');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const response of open) response.destroy();
    await sender.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps the first 1 KB of a long response body', async () => {
    const result = await sender.send(`${base}/long`, {}, '{}');
    assert.equal(result.statusCode, 200);
    assert.equal(result.responseBody, 'x'.repeat(1024));
  });

  it('reports the status, the body and Retry-After', async () => {
    const result = await sender.send(`${base}/retry-after`, {}, '{}');
    assert.deepEqual(
      [result.statusCode, result.responseBody, result.retryAfterHeader, result.error],
      [503, 'busy', '7', null],
    );
  });

  it('times out a response whose head never comes', async () => {
    const result = await sender.send(`${base}/no-head`, {}, '{}');
    assert.equal(result.error, 'timeout');
    assert.equal(result.statusCode, null);
  });

  it('times out a response whose body stalls after the head', async () => {
    const result = await sender.send(`${base}/stalled-body`, {}, '{}');
    assert.equal(result.error, 'timeout');
    assert.match(result.errorDetail ?? '', /timed out/);
  });

  it('refuses an invalid URL and a non-HTTP scheme without sending', async () => {
    assert.equal((await sender.send('not a url', {}, '{}')).error, 'invalid-url');
    assert.equal((await sender.send('ftp://127.0.0.1/x', {}, '{}')).error, 'invalid-url');
  });
});

import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger, metrics } from '@gateway/observability';
import type { IngressSource } from '../sources/ingress-source';
import type { InboundAcceptor } from './inbound-acceptor';
import { createIngressHandler } from './ingress-route';
import { parsePublicBase } from './signed-url';

const source: IngressSource = {
  id: 'src_a',
  provider: 'github',
  settings: { secrets: ['s'], toleranceSeconds: 300 },
  maxBodyBytes: 1000,
  dedupWindowSeconds: 60,
  rateLimit: null,
  unreadable: null,
};

/** A request's status, problem type and headers. */
function post(
  port: number,
  body = '{}',
): Promise<{ status: number; type?: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/in/src_a',
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: (JSON.parse(text) as { type?: string }).type,
            headers: response.headers,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The admission limit of the moment (ADR 0011) caps the requests in flight below INGRESS_MAX_IN_FLIGHT. */
describe('ingress route: admission', () => {
  let server: Server;
  let port: number;
  let admitted = 1;
  let lookups = 0;
  const accepted: string[] = [];

  before(async () => {
    const acceptor = {
      accept: async (_source: IngressSource, incoming: { rawBody: Buffer }) => {
        accepted.push(incoming.rawBody.toString());
        return { kind: 'accepted' as const, id: `in_${accepted.length}` };
      },
    } as unknown as InboundAcceptor;
    const handler = createIngressHandler({
      sources: {
        get: (id) => {
          lookups++;
          return id === source.id ? source : undefined;
        },
      },
      acceptor,
      publicBase: parsePublicBase('http://127.0.0.1'),
      trustForwardedHeaders: false,
      admitted: () => admitted,
      retryAfterSeconds: 2,
      now: Date.now,
      logger: createLogger('ingress-route-spec', 'silent'),
    });
    server = createServer((incoming, response) => {
      if (!handler(incoming, response)) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 503 overloaded beyond the admission limit, and admits again once the limit grows', async () => {
    // A request whose body never finishes holds the one admitted slot.
    const held = request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/in/src_a',
      headers: { 'content-type': 'application/json', 'content-length': '100' },
    });
    held.on('error', () => undefined);
    held.write('{"held":');
    try {
      let answer = await post(port);
      for (let attempt = 0; attempt < 50 && answer.status !== 503; attempt++) answer = await post(port);
      assert.equal(answer.status, 503);
      assert.equal(answer.type, 'urn:gateway:problem:overloaded');
      accepted.length = 0;
      admitted = 2;
      assert.equal((await post(port, '{"n":1}')).status, 200);
      assert.deepEqual(accepted, ['{"n":1}']);
    } finally {
      held.destroy();
    }
  });

  // Under a flood most requests are refused: a refusal does nothing it does not need (ADR 0011).
  it('refuses over the limit before any other work: no source lookup, counted but not timed', async () => {
    const overloaded = async () =>
      (await metrics.ingressRequests.get()).values.find((value) => value.labels.outcome === 'overloaded')
        ?.value ?? 0;
    const countedBefore = await overloaded();
    admitted = 0;
    lookups = 0;
    try {
      const answer = await post(port, '{"n":2}');
      assert.equal(answer.status, 503);
      assert.equal(answer.type, 'urn:gateway:problem:overloaded');
      assert.equal(answer.headers['retry-after'], '2');
      assert.equal(answer.headers['content-type'], 'application/problem+json');
      assert.equal(lookups, 0, 'the source is not looked up');
      assert.equal(await overloaded(), countedBefore + 1, 'the refusal is counted');
      const timed = (await metrics.ingressRequestDuration.get()).values.filter(
        (value) => value.labels.outcome === 'overloaded',
      );
      assert.deepEqual(timed, [], 'the refusal is not timed');
    } finally {
      admitted = 2;
    }
  });
});

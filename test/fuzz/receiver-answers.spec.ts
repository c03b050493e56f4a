import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { insertEndpoint, testDatabase, type EndpointFixture } from '../support/endpoints';
import { startOutbound, type OutboundStack } from '../support/outbound';
import { waitFor } from '../support/wait-for';
import { allReady, canaryId } from './fuzz-support';
import { fuzzParameters } from './hostile';

/** Batches of hostile answers, each followed by a canary to the same endpoint. */
const RUNS = 15;

/** How the scripted receiver answers one request. */
type Answer =
  | { kind: 'body'; status: number; bytes: Uint8Array }
  | { kind: 'odd-header'; bytes: Uint8Array }
  | { kind: 'huge-body'; megabytes: number }
  | { kind: 'endless-chunked' }
  | { kind: 'not-http'; bytes: Uint8Array }
  | { kind: 'reset-mid-body'; sent: number }
  | { kind: '1xx-flood'; count: number }
  | { kind: 'huge-headers'; size: number }
  | { kind: 'drip' };

const answers: fc.Arbitrary<Answer> = fc.oneof(
  fc.record({
    kind: fc.constant('body' as const),
    status: fc.constantFrom(200, 201, 400, 500, 503),
    bytes: fc.uint8Array({ maxLength: 3000 }),
  }),
  fc.record({
    kind: fc.constant('odd-header' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }),
  fc.record({ kind: fc.constant('huge-body' as const), megabytes: fc.integer({ min: 1, max: 4 }) }),
  fc.constant({ kind: 'endless-chunked' as const }),
  fc.record({
    kind: fc.constant('not-http' as const),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      fc.constant(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')),
    ),
  }),
  fc.record({ kind: fc.constant('reset-mid-body' as const), sent: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ kind: fc.constant('1xx-flood' as const), count: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ kind: fc.constant('huge-headers' as const), size: fc.integer({ min: 10_000, max: 200_000 }) }),
  fc.constant({ kind: 'drip' as const }),
);

/**
 * A response head. It says `connection: close`: the socket is closed after the answer, and a client
 * that reused it meanwhile would lose the next request (the canary) to that race, which is not
 * what this suite looks for.
 */
const head = (status: number, headers: string[] = []) =>
  Buffer.from(
    `HTTP/1.1 ${status} X\r\nconnection: close\r\n${headers.map((line) => `${line}\r\n`).join('')}\r\n`,
  );

/** Writes `answer` to the socket, then closes it (a hostile answer never keeps its connection). */
async function play(socket: Socket, answer: Answer): Promise<void> {
  const write = (data: Buffer | string) => (socket.destroyed ? false : socket.write(data));
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  switch (answer.kind) {
    case 'body':
      write(Buffer.concat([head(answer.status, [`content-length: ${answer.bytes.length}`]), answer.bytes]));
      break;
    case 'odd-header':
      write(
        Buffer.concat([
          Buffer.from('HTTP/1.1 200 OK\r\nconnection: close\r\nx-odd: '),
          answer.bytes,
          Buffer.from('\r\ncontent-length: 2\r\n\r\nok'),
        ]),
      );
      break;
    case 'huge-body': {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      write(head(200, [`content-length: ${answer.megabytes * 1024 * 1024}`]));
      for (let sent = 0; sent < answer.megabytes * 16 && !socket.destroyed; sent++)
        if (!write(chunk)) await pause(1);
      break;
    }
    case 'endless-chunked': {
      write(head(200, ['transfer-encoding: chunked']));
      const chunk = Buffer.from(`400\r\n${'z'.repeat(1024)}\r\n`);
      for (let i = 0; i < 10_000 && !socket.destroyed; i++) if (!write(chunk) || i % 16 === 0) await pause(2);
      break;
    }
    case 'not-http':
      write(Buffer.from(answer.bytes));
      break;
    case 'reset-mid-body':
      write(Buffer.concat([head(200, ['content-length: 10000']), Buffer.alloc(answer.sent, 0x62)]));
      await pause(10);
      socket.resetAndDestroy();
      return;
    case '1xx-flood':
      for (let i = 0; i < answer.count; i++) write('HTTP/1.1 100 Continue\r\n\r\n');
      write(Buffer.concat([head(200, ['content-length: 2']), Buffer.from('ok')]));
      break;
    case 'huge-headers':
      write(
        Buffer.concat([
          head(200, [`x-big: ${'a'.repeat(answer.size)}`, 'content-length: 2']),
          Buffer.from('ok'),
        ]),
      );
      break;
    case 'drip':
      write(head(200, ['content-length: 100']));
      for (let i = 0; i < 8 && !socket.destroyed; i++) {
        write('d');
        await pause(200);
      }
      break;
  }
  await pause(20);
  socket.destroy();
}

/**
 * A receiver on a bare socket: reads each request (head and content-length body), answers a
 * canary 200 "ok" on a kept-alive connection, and an event carrying `data.answer` with the
 * scripted answer of that index.
 */
class ScriptedReceiver {
  readonly script: Answer[] = [];
  readonly canaries = new Set<string>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private serve(socket: Socket): void {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(
          /content-length: *(\d+)/i.exec(buffered.subarray(0, end).toString('latin1'))?.[1] ?? '0',
        );
        if (buffered.length < end + 4 + length) return;
        const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
        buffered = buffered.subarray(end + 4 + length);
        const data = (JSON.parse(body) as { data: { answer?: number; canary?: string } }).data;
        if (data.canary !== undefined) {
          this.canaries.add(data.canary);
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
          continue;
        }
        void play(
          socket,
          this.script[data.answer ?? -1] ?? { kind: 'body', status: 200, bytes: new Uint8Array() },
        );
        return;
      }
    });
  }
}

/**
 * Issue 19, fuzz: whatever a receiver answers (NUL and bytes that are not UTF-8 in body and
 * headers, a multi-megabyte body, an endless chunked body, a response that is not HTTP, a reset
 * mid-body, a 1xx flood, very large headers, a body that drips), the attempt is recorded (the
 * delivery delivered or dead, never pending) and the next event to the same endpoint is delivered.
 */
describe('fuzz: hostile receiver answers (issue 19)', () => {
  let stack: OutboundStack;
  let endpoint: EndpointFixture;
  const receiver = new ScriptedReceiver();
  let next = 0;

  before(async () => {
    await receiver.start();
    stack = await startOutbound(
      ['router', 'dispatcher'],
      { BREAKER_FAILURE_THRESHOLD: '10000', DELIVERY_TIMEOUT_MS: '1000' },
      async () => {
        endpoint = await insertEndpoint({
          url: receiver.url,
          eventTypes: ['fuzz.*'],
          retryPolicy: { maxAttempts: 1, baseSeconds: 1, factor: 1, capSeconds: 1 },
        });
      },
    );
    await stack.routerSees(1);
  });

  after(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('records every attempt and delivers the next event to the same endpoint', async () => {
    const db = await testDatabase();
    await fc.assert(
      fc.asyncProperty(fc.array(answers, { minLength: 1, maxLength: 4 }), async (script) => {
        const ids = script.map((answer) => {
          const index = receiver.script.push(answer) - 1;
          return { id: `evt_answer_${next++}`, index };
        });
        await stack.publish(
          ids.map(({ id, index }) => ({ type: 'fuzz.answer', id, data: { answer: index } })),
          endpoint.id,
        );
        const canary = canaryId('answer');
        await stack.publish([{ type: 'fuzz.canary', id: canary, data: { canary } }], endpoint.id);
        await waitFor('the canary delivered after the hostile answers', 20_000, () =>
          receiver.canaries.has(canary),
        );
        const rows = await waitFor('every hostile attempt on record', 20_000, async () => {
          const found = await db.query<
            { eventId: string; status: string; attempts: number; responseBody: string | null }[]
          >(
            `SELECT d.event_id AS "eventId", d.status, d.attempts, a.response_body AS "responseBody"
               FROM deliveries d JOIN attempts a ON a.delivery_id = d.id WHERE d.event_id = ANY($1::text[])`,
            [ids.map(({ id }) => id)],
          );
          return found.length === ids.length &&
            found.every((row) => row.status === 'delivered' || row.status === 'dead')
            ? found
            : undefined;
        });
        for (const row of rows)
          assert.ok((row.responseBody ?? '').length <= 4096, 'the stored answer is bounded');
        await allReady(stack.services);
      }),
      fuzzParameters(RUNS),
    );
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Benchmark receivers in a process of their own, so the gateway's and the driver's event loops do
 * not share one with them. Started with `count` servers and a mode; records, per request, the
 * delay since the event's `sentAt` (epoch ms inside `data`). Talks to its parent over IPC.
 */
const count = Number(process.argv[2] ?? 1);
/** `ok` answers 200; `fail` answers 500; `hang` never answers (the dispatcher's timeout ends it). */
const mode = (process.argv[3] ?? 'ok') as 'ok' | 'fail' | 'hang';
let received = 0;
let latencies: number[] = [];
/** The `sentAt` of each timed request, in step with `latencies`. */
let sentAts: number[] = [];
const seen = new Set<string>();

async function main(): Promise<void> {
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received++;
        const id = request.headers['webhook-id'];
        if (typeof id === 'string') seen.add(id);
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as { data?: { sentAt?: number } };
          if (typeof body.data?.sentAt === 'number') {
            latencies.push(Date.now() - body.data.sentAt);
            sentAts.push(body.data.sentAt);
          }
        } catch {
          // not one of ours: counted, not timed
        }
        if (mode === 'hang') return;
        // An explicit length: the ingress load generator (machine-ceiling) reads answers by it.
        response.writeHead(mode === 'fail' ? 500 : 200, {
          'content-type': 'text/plain',
          'content-length': Buffer.byteLength(mode),
        });
        response.end(mode);
      });
    });
    server.keepAliveTimeout = 60000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
  }
  process.send?.({ kind: 'ready', urls });
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'stats') {
      process.send?.({ kind: 'stats', received, unique: seen.size, latencies, sentAts });
      latencies = [];
      sentAts = [];
    }
  });
}

void main();

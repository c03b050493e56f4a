import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

/** How the receiver answers one request: a status (and a body of its own), optionally after a delay, or never. */
export type Behaviour = (
  request: ReceivedRequest,
  index: number,
) => { status: number; delayMs?: number; headers?: Record<string, string>; body?: string | Buffer } | 'hang';

/** A real HTTP endpoint on loopback that records what the gateway sends it. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly open = new Set<ServerResponse>();
  private server: Server | undefined;
  url = '';

  constructor(public behaviour: Behaviour = () => ({ status: 200 })) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 60000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Requests still waiting for an answer (hanging ones). */
  pending(): number {
    return this.open.size;
  }

  async stop(): Promise<void> {
    for (const response of this.open) response.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers[name] = value;
    const received = { headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
    const index = this.requests.push(received) - 1;
    const answer = this.behaviour(received, index);
    if (answer === 'hang') {
      this.open.add(response);
      response.on('close', () => this.open.delete(response));
      return;
    }
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
    response.end(answer.body ?? (answer.status < 300 ? 'ok' : `failing with ${answer.status}`));
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
}

/** A minimal OTLP/HTTP (JSON) trace collector on loopback, for tests. */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') this.collect(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private collect(text: string): void {
    type Attribute = { key: string; value: Record<string, unknown> };
    const body = JSON.parse(text) as {
      resourceSpans: {
        resource: { attributes: Attribute[] };
        scopeSpans: {
          spans: {
            traceId: string;
            spanId: string;
            parentSpanId?: string;
            name: string;
            kind?: number;
            attributes?: Attribute[];
          }[];
        }[];
      }[];
    };
    for (const resourceSpan of body.resourceSpans) {
      const name = resourceSpan.resource.attributes.find((attribute) => attribute.key === 'service.name')
        ?.value.stringValue;
      const service = typeof name === 'string' ? name : '';
      for (const scope of resourceSpan.scopeSpans) {
        for (const span of scope.spans) {
          const attributes: Record<string, unknown> = {};
          for (const attribute of span.attributes ?? [])
            attributes[attribute.key] = Object.values(attribute.value)[0];
          this.spans.push({
            service,
            name: span.name,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            kind: span.kind ?? 0,
            attributes,
          });
        }
      }
    }
  }
}

import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * The ingress benchmark's load generator, in a process of its own so that it does not share an
 * event loop with anything it measures. Open loop: request n is due at start + n / rate, and its
 * latency is counted from that moment (a request waiting for a free connection waits on the
 * clock), so a slow server cannot hide behind a slow client. Raw HTTP/1.1 keep-alive over a fixed
 * set of connections (more open on demand, as a provider's fleet would), one request in flight per connection. Every loop is bounded in count and time.
 */
export interface LoadPhase {
  kind: 'run';
  label: string;
  host: string;
  port: number;
  path: string;
  /** whsec_ secret of the Standard Webhooks source. */
  secret: string;
  rate: number;
  seconds: number;
  /** Connections opened up front; more open when all are busy, up to maxConnections. */
  connections: number;
  maxConnections: number;
}

export interface PhaseResult {
  label: string;
  sent: number;
  statuses: Record<string, number>;
  /** Latency (ms) of 2xx answers, and of the others, from each request's due time. */
  accepted: number[];
  refused: number[];
  /** Sequence numbers of 2xx-answered requests (webhook-id `msg_<label>_<n>`). */
  acceptedIds: number[];
  elapsedSeconds: number;
  errors: number;
  /** Connections used by the end of the phase. */
  connections: number;
  /** CPU seconds this load generator used (it shares the machine with what it measures). */
  cpuSeconds: number;
}

const BODY_BYTES = 1024;

function bodyFor(label: string, n: number): string {
  const base = JSON.stringify({ type: 'bench.ingress', data: { label, n, pad: '' } });
  return JSON.stringify({
    type: 'bench.ingress',
    data: { label, n, pad: 'x'.repeat(Math.max(0, BODY_BYTES - base.length)) },
  });
}

function requestBytes(phase: LoadPhase, key: KeyObject, n: number): Buffer {
  const id = `msg_${phase.label}_${n}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const body = bodyFor(phase.label, n);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return Buffer.from(
    `POST ${phase.path} HTTP/1.1\r\nhost: ${phase.host}:${phase.port}\r\ncontent-type: application/json\r\n` +
      `webhook-id: ${id}\r\nwebhook-timestamp: ${timestamp}\r\nwebhook-signature: v1,${signature}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface Lane {
  socket: Socket;
  busy: boolean;
  buffer: Buffer;
  current: { n: number; dueAt: number } | undefined;
}

async function run(phase: LoadPhase): Promise<PhaseResult> {
  // A KeyObject: Node checks a raw key through a slow path on every createHmac, which cost this
  // generator more CPU than the HMAC itself.
  const key = createSecretKey(Buffer.from(phase.secret.replace(/^whsec_/, ''), 'base64'));
  const result: PhaseResult = {
    label: phase.label,
    sent: 0,
    statuses: {},
    accepted: [],
    refused: [],
    acceptedIds: [],
    elapsedSeconds: 0,
    errors: 0,
    connections: 0,
    cpuSeconds: 0,
  };
  const cpuAtStart = process.cpuUsage();
  const total = Math.round(phase.rate * phase.seconds);
  const queue: { n: number; dueAt: number }[] = [];
  let head = 0;
  let finished = 0;
  let done: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (done = resolve));

  const complete = (lane: Lane, status: number) => {
    const item = lane.current!;
    lane.current = undefined;
    lane.busy = false;
    release(lane);
    const latency = performance.now() - item.dueAt;
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      result.accepted.push(latency);
      result.acceptedIds.push(item.n);
    } else {
      result.refused.push(latency);
    }
    if (++finished === total) done();
    else pump();
  };

  const onData = (lane: Lane, chunk: Buffer) => {
    lane.buffer = lane.buffer.length ? Buffer.concat([lane.buffer, chunk]) : chunk;
    for (;;) {
      const end = lane.buffer.indexOf('\r\n\r\n');
      if (end < 0 || !lane.current) return;
      const head = lane.buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (lane.buffer.length < end + 4 + length) return;
      const status = Number(head.slice(9, 12));
      lane.buffer = lane.buffer.subarray(end + 4 + length);
      complete(lane, status);
    }
  };

  const lanes: Lane[] = [];
  const open = (onConnect?: () => void): Lane => {
    const lane: Lane = {
      socket: connect(phase.port, phase.host, onConnect),
      busy: false,
      buffer: Buffer.alloc(0),
      current: undefined,
    };
    lane.socket.setNoDelay(true);
    lane.socket.on('data', (chunk: Buffer) => onData(lane, chunk));
    lane.socket.on('error', () => undefined);
    lane.socket.on('close', () => {
      // A closed connection fails its request; the lane is dropped (a new one opens on demand).
      if (lane.current) {
        result.errors++;
        lane.current = undefined;
        if (++finished === total) done();
      }
      lane.busy = true;
    });
    lanes.push(lane);
    return lane;
  };
  await Promise.all(
    Array.from({ length: phase.connections }, () => new Promise<void>((resolve) => open(resolve))),
  );

  const idle: Lane[] = [...lanes];
  const release = (lane: Lane) => {
    if (!lane.socket.destroyed) idle.push(lane);
  };
  function pump(): void {
    while (head < queue.length) {
      let lane = idle.pop();
      while (lane && (lane.socket.destroyed || lane.busy)) lane = idle.pop();
      if (!lane) {
        // Like a provider's fleet: a request that finds every connection busy opens another.
        if (lanes.length >= phase.maxConnections) return;
        const item = queue[head++];
        const fresh = open(() => {
          fresh.socket.write(requestBytes(phase, key, item.n));
          result.sent++;
        });
        fresh.busy = true;
        fresh.current = item;
        continue;
      }
      const item = queue[head++];
      lane.busy = true;
      lane.current = item;
      lane.socket.write(requestBytes(phase, key, item.n));
      result.sent++;
    }
  }

  const started = performance.now();
  const tickMs = 2;
  const deadline = started + phase.seconds * 1000 + 60_000;
  let scheduled = 0;
  while (scheduled < total && performance.now() < deadline) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * phase.rate) + 1);
    for (; scheduled < due; scheduled++)
      queue.push({ n: scheduled, dueAt: started + (scheduled / phase.rate) * 1000 });
    pump();
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
  await Promise.race([allDone, timeout]);
  result.elapsedSeconds = (performance.now() - started) / 1000;
  result.connections = lanes.length;
  const cpu = process.cpuUsage(cpuAtStart);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  for (const lane of lanes) {
    lane.socket.removeAllListeners('close');
    lane.socket.destroy();
  }
  return result;
}

process.on('message', (message: LoadPhase) => {
  if (message.kind !== 'run') return;
  run(message).then(
    (result) => process.send?.({ kind: 'result', result }),
    (error: unknown) =>
      process.send?.({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.send?.({ kind: 'ready' });

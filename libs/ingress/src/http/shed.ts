import type { ServerResponse } from 'node:http';
import { metrics } from '@gateway/observability';
import { answerFor } from './outcome';

/**
 * Answers a request over the admission limit for as little CPU as can be: under a flood most
 * requests are refused, and every microsecond a refusal takes is taken from the accepted ones
 * (ADR 0011). The answer's status, headers and body bytes are built once; a refusal is counted
 * (`gateway_ingress_requests_total{outcome="overloaded"}`) and nothing else: not timed, traced or
 * logged, and its body is never read (Node discards it to reach the connection's next request).
 * The write to the socket is most of what is left.
 */
export function overloadRefusal(retryAfterSeconds: number): (response: ServerResponse) => void {
  const answer = answerFor({ kind: 'overloaded', retryAfterSeconds }, 'unknown');
  const body = Buffer.from(answer.body);
  const headers = [...Object.entries(answer.headers).flat(), 'content-length', String(body.length)];
  const labels = { provider: 'unknown', outcome: 'overloaded' } as const;
  return (response) => {
    metrics.ingressRequests.inc(labels);
    response.writeHead(answer.status, headers);
    response.end(body);
  };
}

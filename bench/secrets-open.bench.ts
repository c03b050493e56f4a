import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SecretBox } from '@gateway/encryption';
import { generateSecret } from '@gateway/signing';
import { machine } from './support';

/**
 * `npm run bench secrets-open`: what opening the secrets costs when the dispatcher's endpoint view
 * loads (ADR 0027). The view opens each endpoint's signing secrets and header values once per
 * load; a delivery reads the opened copy, so the per-delivery cost is zero by construction.
 */
export async function secretsOpen(endpoints = 10_000, headersPerEndpoint = 2): Promise<void> {
  const box = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);
  const rows = Array.from({ length: endpoints }, (_, n) => ({
    id: `ep_${n}`,
    secret: box.seal(generateSecret(), `endpoint_secrets.key:ep_${n}`),
    headers: Array.from({ length: headersPerEndpoint }, (_, h) =>
      box.seal(`Bearer ${randomBytes(24).toString('base64')}`, `endpoints.headers:ep_${n}:X-H${h}`),
    ),
  }));
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    for (const row of rows) {
      box.open(row.secret, `endpoint_secrets.key:${row.id}`);
      row.headers.forEach((header, h) => box.open(header, `endpoints.headers:${row.id}:X-H${h}`));
    }
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  const values = endpoints * (1 + headersPerEndpoint);
  const median = runs[2];
  process.stdout.write(
    [
      `secrets-open: ${endpoints} endpoints x (1 secret + ${headersPerEndpoint} headers) = ${values} values per view load`,
      `  median ${median.toFixed(1)} ms per load (${((median * 1000) / values).toFixed(2)} µs per value), best ${runs[0].toFixed(1)} ms`,
      `  per delivery: 0 (the view holds the opened copy)`,
      `  machine: ${machine()}`,
      '',
    ].join('\n'),
  );
}

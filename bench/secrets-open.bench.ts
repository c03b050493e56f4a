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
  const key = { id: 'k1', key: randomBytes(32) };
  const box = new SecretBox([key]);
  const rows = Array.from({ length: endpoints }, (_, n) => ({
    id: `ep_${n}`,
    secret: box.seal(generateSecret(), `endpoint_secrets.key:ep_${n}`),
    headers: Array.from({ length: headersPerEndpoint }, (_, h) =>
      box.seal(`Bearer ${randomBytes(24).toString('base64')}`, `endpoints.headers:ep_${n}:X-H${h}`),
    ),
  }));
  const load = (reader: SecretBox): number => {
    const started = performance.now();
    for (const row of rows) {
      reader.open(row.secret, `endpoint_secrets.key:${row.id}`);
      row.headers.forEach((header, h) => reader.open(header, `endpoints.headers:${row.id}:X-H${h}`));
    }
    return performance.now() - started;
  };
  // A first load decrypts every value (a new box each time: nothing remembered); a reload after a
  // change finds the unchanged values remembered.
  const first = Array.from({ length: 3 }, () => load(new SecretBox([key]))).sort((a, b) => a - b);
  load(box);
  const reloads = Array.from({ length: 5 }, () => load(box)).sort((a, b) => a - b);
  const values = endpoints * (1 + headersPerEndpoint);
  const perValue = (ms: number) => `${((ms * 1000) / values).toFixed(2)} µs per value`;
  process.stdout.write(
    [
      `secrets-open: ${endpoints} endpoints x (1 secret + ${headersPerEndpoint} headers) = ${values} values per view load`,
      `  first load (decrypts all): median ${first[1].toFixed(1)} ms (${perValue(first[1])})`,
      `  reload (unchanged values remembered): median ${reloads[2].toFixed(1)} ms (${perValue(reloads[2])})`,
      `  per delivery: 0 (the view holds the opened copy)`,
      `  machine: ${machine()}`,
      '',
    ].join('\n'),
  );
}

import { randomBytes } from 'node:crypto';
import { apiPublish } from './api-publish.bench';
import { deliveryLog } from './delivery-log.bench';
import { consoleSize } from './console-size.bench';
import { dispatcherDrain } from './dispatcher-drain.bench';
import { isolation } from './isolation.bench';
import { machineCeiling } from './machine-ceiling.bench';
import { outboundEndToEnd } from './outbound-e2e.bench';
import { ingressThroughput } from './ingress-throughput.bench';
import { routerCatalog } from './router-catalog.bench';
import { routerProbe } from './router-probe';
import { schedulerBench } from './scheduler.bench';
import { secretsOpen } from './secrets-open.bench';

/** `npm run bench [name...]`: runs the named benchmarks (all by default) and prints their figures. */
const benches: Record<string, () => Promise<void>> = {
  'dispatcher-drain': () => dispatcherDrain(),
  'outbound-e2e': () => outboundEndToEnd(),
  isolation: () => isolation(),
  'ingress-throughput': () => ingressThroughput(),
  scheduler: () => schedulerBench(),
  'router-hop': () => routerProbe(),
  'router-catalog': () => routerCatalog(),
  'machine-ceiling': () => machineCeiling(),
  'secrets-open': () => secretsOpen(),
  'api-publish': () => apiPublish(),
  'delivery-log': () => deliveryLog(),
  'console-size': () => consoleSize(),
};

async function main(): Promise<void> {
  // The services that hold secrets need a key (ADR 0027); the services a bench starts inherit it.
  process.env.SECRETS_ENCRYPTION_KEYS ??= `bench:${randomBytes(32).toString('base64')}`;
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benches);
  for (const name of names) {
    const bench = benches[name];
    if (!bench) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    await bench();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

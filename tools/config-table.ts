import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  databaseConfig,
  describeConfig,
  httpConfig,
  kafkaConfig,
  retentionConfig,
  secretsConfig,
  telemetryConfig,
} from '@gateway/config';
import { consoleServingConfig, controlConfig } from '@gateway/control';
import { ingressConfig, publicBaseUrlConfig } from '@gateway/ingress';
import { deliveryConfig } from '@gateway/delivery';
import { schedulerConfig } from '@gateway/scheduling';

/** Every configuration fragment and which services read it; the README table is generated from these. */
export const configFragments: { services: string; shape: z.ZodRawShape }[] = [
  { services: 'all', shape: kafkaConfig },
  { services: 'all', shape: databaseConfig },
  { services: 'api, ingress, dispatcher, migrate, secrets:reencrypt', shape: secretsConfig },
  { services: 'all', shape: telemetryConfig },
  { services: 'all', shape: httpConfig('api') },
  { services: 'api', shape: controlConfig },
  { services: 'api', shape: consoleServingConfig },
  { services: 'api, ingress', shape: publicBaseUrlConfig },
  { services: 'ingress', shape: ingressConfig },
  { services: 'dispatcher', shape: deliveryConfig },
  { services: 'scheduler', shape: schedulerConfig },
  { services: 'scheduler, api', shape: retentionConfig },
];

export function renderConfigTable(): string {
  const rows = configFragments.flatMap(({ services, shape }) =>
    describeConfig(z.object(shape)).map(
      (row) =>
        `| \`${row.name}\` | ${row.default ? `\`${row.default}\`` : ''} | ${services} | ${row.description} |`,
    ),
  );
  return ['| variable | default | read by | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const begin = '<!-- config-table:begin -->';
const end = '<!-- config-table:end -->';

/** `npm run docs:config` rewrites the README's table between its markers; `--check` only compares. */
if (require.main === module) {
  const readme = path.resolve(__dirname, '..', '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < 0) throw new Error('README.md has no config-table markers');
  const updated = `${text.slice(0, start + begin.length)}\n${renderConfigTable()}\n${text.slice(stop)}`;
  if (process.argv.includes('--check')) {
    if (updated !== text) {
      process.stderr.write('README.md configuration table is stale: run npm run docs:config\n');
      process.exit(1);
    }
  } else {
    writeFileSync(readme, updated);
  }
}

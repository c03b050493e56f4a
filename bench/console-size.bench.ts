import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '@gateway/testing';
import { machine } from './support';

/**
 * `npm run bench console-size`: the bytes a browser fetches on the console's first load (index.html
 * and every script and stylesheet it names), raw and gzip-compressed (level 9, as the build
 * precompresses them). Target (issue 22): JS + CSS under 300 KB gzipped.
 */
export async function consoleSize(): Promise<void> {
  const root = path.join(repoRoot, 'dist', 'console');
  const html = readFileSync(path.join(root, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (match) => match[1],
  );
  const rows = assets.map((asset) => {
    const body = readFileSync(path.join(root, asset));
    return { asset, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  const total = (kind: string) =>
    rows.filter((row) => row.asset.endsWith(kind)).reduce((sum, row) => sum + row.gzip, 0);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(
    [
      `console-size: first load of /console (${machine()})`,
      ...rows.map((row) => `  ${row.asset}: ${kb(row.raw)} raw, ${kb(row.gzip)} gzip`),
      `  JS ${kb(total('.js'))} + CSS ${kb(total('.css'))} = ${kb(total('.js') + total('.css'))} gzip (target < 300 KB)`,
      '',
    ].join('\n'),
  );
}

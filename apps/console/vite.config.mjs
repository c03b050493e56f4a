// Builds the console into dist/console, which the api serves at /console (apps/api/src/console.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const outDir = path.resolve(import.meta.dirname, '../../dist/console');

/** Writes .br and .gz next to each asset, for @fastify/static's preCompressed option. */
const precompress = () => ({
  name: 'precompress',
  apply: 'build',
  closeBundle() {
    const walk = (dir) =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
      );
    for (const file of walk(outDir).filter((name) => /\.(js|css|html|svg|json)$/.test(name))) {
      const body = readFileSync(file);
      writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(
        `${file}.br`,
        brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      );
    }
  },
});

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  // The prerender plugin of the preset is off: the console is a client-only app behind a token.
  plugins: [preact({ prerender: { enabled: false } }), precompress()],
  build: { outDir, emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false, target: 'es2022' },
});

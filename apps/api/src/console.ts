import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where `npm run build` writes the console (vite's outDir): dist/console, next to dist/apps. */
export const consoleRoot = path.resolve(__dirname, '..', '..', '..', 'console');

const policy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const isPortal = (url: string): boolean => url === '/console/portal' || /^\/console\/portal[/?#]/.test(url);

/** The headers of every answer under /console: the portal may be framed by the configured origins only. */
export function consoleHeaders(url: string, frameAncestors: string[]): Record<string, string> {
  const ancestors = isPortal(url) && frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'";
  return {
    'content-security-policy': `${policy}; frame-ancestors ${ancestors}`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * Serves the console's static build at /console: hashed assets with a year's cache (precompressed
 * .br/.gz when the browser accepts them), and index.html, never cached, for /console, the portal and
 * every client route. Without a build (no `npm run build` yet) /console is a 404.
 */
export async function serveConsole(app: NestFastifyApplication, frameAncestors: string[]): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    const url = request.url;
    if (url === '/console' || url.startsWith('/console/') || url.startsWith('/console?'))
      void reply.headers(consoleHeaders(url, frameAncestors));
  });
  if (!existsSync(path.join(consoleRoot, 'index.html'))) return;
  await app.register(fastifyStatic, {
    root: consoleRoot,
    prefix: '/console/',
    wildcard: false,
    index: false,
    preCompressed: true,
    setHeaders: (reply, file) => {
      void reply.header(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const page = (_request: unknown, reply: { sendFile(file: string): unknown }) =>
    reply.sendFile('index.html');
  fastify.get('/console', page);
  fastify.get('/console/*', async (request, reply) => {
    // A missing hashed asset is a 404, not the page (the browser would run HTML as a script).
    if (request.url.startsWith('/console/assets/'))
      return reply.code(404).send({ status: 404, title: 'Not Found' });
    return reply.sendFile('index.html');
  });
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { UnauthorizedError } from './problems';

/**
 * Requires the admin bearer token on every `/v1` route. A Fastify `onRequest` hook rather than a Nest
 * guard: it looks at the route that matched (not at the raw URL), and it runs before the body is
 * read, so an unauthenticated caller cannot make the service buffer and parse up to 1 MiB.
 */
export function requireAdminToken(
  app: NestFastifyApplication,
  isAdmin: (authorization: string | undefined) => boolean,
): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.url;
      if (route === undefined || !(route === '/v1' || route.startsWith('/v1/'))) return;
      if (isAdmin(request.headers.authorization)) return;
      void reply.header('www-authenticate', 'Bearer');
      throw new UnauthorizedError();
    });
}

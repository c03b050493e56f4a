import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ApiKeyAuthenticator, Caller } from '@gateway/control';
import { setCaller } from './caller';
import { ForbiddenError, UnauthorizedError } from './problems';
import { routeAccess, routeKey } from './route-access';

/**
 * The caller of a `/v1` route (`route` as Fastify names the matched one): the admin token or an
 * API key with the scope the route declares in `routeAccess`. Throws 401 for no, a wrong, a
 * revoked or an expired key; 403 for a key without the scope. A route whose scope is null takes
 * any valid credential. The one check, for Fastify's routes (below) and for `POST /v1/events`,
 * served ahead of Fastify (`publish.route.ts`).
 */
export async function authorize(
  keys: ApiKeyAuthenticator,
  authorization: string | undefined,
  method: string,
  route: string,
): Promise<Caller> {
  const caller = await keys.authenticate(authorization);
  if (!caller) throw new UnauthorizedError();
  const access = routeAccess[routeKey(method, route)];
  // A route missing from the table (a unit spec pins that none is) is the admin token's only.
  const scoped = access !== undefined && (access.scope === null || caller.scopes.has(access.scope));
  const allowed = caller.actor === 'admin' || (scoped && (access.tenantKeys || caller.tenant === null));
  if (!allowed) {
    throw new ForbiddenError(
      access === undefined
        ? 'this route is open to the admin token only'
        : scoped
          ? 'this route is not open to tenant keys'
          : `this key lacks the scope ${access.scope}`,
    );
  }
  return caller;
}

/**
 * Authenticates every `/v1` call and checks its route's scope (`authorize`). A Fastify `onRequest`
 * hook rather than a Nest guard: it looks at the route that matched (not at the raw URL), and it
 * runs before the body is read, so an unauthenticated caller cannot make the service buffer and
 * parse up to 1 MiB.
 */
export function authorizeRequests(app: NestFastifyApplication, keys: ApiKeyAuthenticator): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.url;
      if (route === undefined || !(route === '/v1' || route.startsWith('/v1/'))) return;
      try {
        setCaller(request, await authorize(keys, request.headers.authorization, request.method, route));
      } catch (error) {
        if (error instanceof UnauthorizedError) void reply.header('www-authenticate', 'Bearer');
        throw error;
      }
    });
}

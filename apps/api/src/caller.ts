import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from '@gateway/control';

/** The caller the auth hook found for each request (a WeakMap: it goes with the request). */
const callers = new WeakMap<object, Caller>();

export const setCaller = (request: object, caller: Caller): void => {
  callers.set(request, caller);
};

export function callerOf(request: object): Caller {
  const caller = callers.get(request);
  // The hook runs on every /v1 route before any handler; a missing caller is a wiring bug.
  if (!caller) throw new Error('no caller: the auth hook did not run for this route');
  return caller;
}

/** `@CallerParam() caller: Caller`: who is calling (the admin token or an API key). */
export const CallerParam = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  callerOf(context.switchToHttp().getRequest<object>()),
);

/** The tenant the caller is confined to (undefined for the operator), as the services take it. */
export const TenantParam = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const caller = callerOf(context.switchToHttp().getRequest<object>());
  return caller.tenant ?? undefined;
});

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { mergeMap, type Observable } from 'rxjs';
import { AuditService } from '@gateway/control';
import { callerOf } from './caller';
import { routeAccess, routeKey } from './route-access';

const stringField = (value: unknown, field: string): string | null => {
  const item =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  return typeof item === 'string' ? item : null;
};

/**
 * Records every change that succeeded through the control API in the audit log, right after the
 * change and before the answer goes out (a failed record fails the call: the change is then not
 * acknowledged, see ADR 0025). Which routes are changes, and as what, comes from `routeAccess`.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const route = request.routeOptions.url ?? '';
    const audited = routeAccess[routeKey(request.method, route)]?.audit;
    if (!audited) return next.handle();
    return next.handle().pipe(
      mergeMap(async (answer: unknown) => {
        const resourceId = stringField(request.params, 'id') ?? stringField(answer, 'id');
        const { flagged } = audited;
        const action =
          flagged && stringField(request.query, flagged.param) === 'true' ? flagged.action : audited.action;
        await this.audit.record(callerOf(request), {
          action,
          resourceType: audited.resource,
          resourceId,
          tenant: stringField(answer, 'tenant') ?? (audited.resource === 'tenant' ? resourceId : null),
          route,
          body: request.body,
        });
        return answer;
      }),
    );
  }
}

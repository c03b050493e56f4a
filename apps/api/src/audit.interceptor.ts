import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, mergeMap, type Observable } from 'rxjs';
import { AuditService } from '@gateway/control';
import { UnitOfWork } from '@gateway/persistence';
import { callerOf } from './caller';
import { routeAccess, routeKey, type AuditedAs } from './route-access';

const stringField = (value: unknown, field: string): string | null => {
  const item =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  return typeof item === 'string' ? item : null;
};

/**
 * Records every change made through the control API in the audit log. A change and its entry
 * commit in one transaction (a failed record fails and undoes the change); a bulk change's entry
 * is appended after it (`AuditedAs`, ADR 0025). Which routes are changes, and as
 * what, comes from `routeAccess`.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const audited = routeAccess[routeKey(request.method, request.routeOptions.url ?? '')]?.audit;
    if (!audited) return next.handle();
    if (audited.bulk)
      return next.handle().pipe(
        mergeMap(async (answer: unknown) => {
          await this.record(request, audited, answer);
          return answer;
        }),
      );
    return from(
      this.unitOfWork.run(async () => {
        const answer = await lastValueFrom<unknown>(next.handle());
        await this.record(request, audited, answer);
        return answer;
      }),
    );
  }

  private async record(request: FastifyRequest, audited: AuditedAs, answer: unknown): Promise<void> {
    const resourceId = stringField(request.params, 'id') ?? stringField(answer, 'id');
    const { flagged } = audited;
    const action =
      flagged && stringField(request.query, flagged.param) === 'true' ? flagged.action : audited.action;
    await this.audit.record(callerOf(request), {
      action,
      resourceType: audited.resource,
      resourceId,
      tenant: stringField(answer, 'tenant') ?? (audited.resource === 'tenant' ? resourceId : null),
      route: request.routeOptions.url ?? '',
      body: request.body,
    });
  }
}

import type { AuditEntryRecord, AuditLogRepository } from '@gateway/persistence';
import { asksOtherTenant, toIdPage, type Page } from '../pagination';
import type { Caller } from '../access/scopes';
import type { AuditEntryView, AuditLogQuery } from './audit.schemas';

/** What a change through the control API did, as the api's audit hook sees it. */
export interface AuditedChange {
  action: string;
  resourceType: string;
  resourceId: string | null;
  /** The resource's tenant when the answer names one; otherwise the caller's. */
  tenant: string | null;
  route: string;
  /** The request body, of which only the field names are kept. */
  body: unknown;
}

const fieldNames = (body: unknown): string[] =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body).sort() : [];

const toView = ({ at, ...rest }: AuditEntryRecord): AuditEntryView => ({ ...rest, at: at.toISOString() });

/**
 * The audit log: who changed what, when, through the control API. Values are never recorded, only
 * field names, so no secret (a signing secret, a header value, a key) can reach it.
 */
export class AuditService {
  constructor(private readonly log: AuditLogRepository) {}

  async record(caller: Caller, change: AuditedChange): Promise<void> {
    await this.log.append({
      actor: caller.actor,
      action: change.action,
      resourceType: change.resourceType,
      resourceId: change.resourceId,
      tenant: caller.tenant ?? change.tenant,
      summary: { route: change.route, fields: fieldNames(change.body) },
    });
  }

  /** A tenant's caller sees its own tenant's entries only, whatever `tenant` it asks for. */
  async list(query: AuditLogQuery, confinedTo: string | undefined): Promise<Page<AuditEntryView>> {
    if (asksOtherTenant(query.tenant, confinedTo)) {
      return { data: [], nextCursor: null };
    }
    const rows = await this.log.list({
      actor: query.actor,
      resourceType: query.resourceType,
      resourceId: query.resourceId,
      tenant: confinedTo ?? query.tenant,
      since: query.since === undefined ? undefined : new Date(query.since),
      until: query.until === undefined ? undefined : new Date(query.until),
      after: query.cursor,
      limit: query.limit + 1,
    });
    return toIdPage(rows, query.limit, toView);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { auditLogQuery, AuditService, type AuditEntryView, type Page } from '@gateway/control';
import { parseWith } from '@gateway/platform';
import { TenantParam } from './caller';

@Controller('v1/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@Query() query: unknown, @TenantParam() tenant?: string): Promise<Page<AuditEntryView>> {
    return this.audit.list(parseWith(auditLogQuery, query), tenant);
  }
}
